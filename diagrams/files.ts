/**
 * The committed diagram files: `docs/diagrams/<procedure id>.dot`, `.svg` and `.mmd` for every
 * registered procedure. `npm run diagrams` writes them and a test checks they are current, so
 * both build the contents here.
 */
import { join } from 'node:path';
import { type ProcedureDefinition, type ProcedureRegistry, procedureRegistry } from '../machines/registry';
import { procedureDot } from './dot';
import { procedureMermaid } from './mermaid';
import { renderSvg } from './render';

/** Where the committed diagrams live, from the repository root. */
export const DIAGRAMS_DIR = join(__dirname, '..', 'docs', 'diagrams');

export interface DiagramFile {
  /** File name inside DIAGRAMS_DIR, e.g. 'plan-for-skolenaervaer.svg'. */
  name: string;
  content: string;
}

/**
 * The file base name of a procedure: its id, with the version added for any version but the
 * newest, so an older version's diagram stays beside the current one.
 */
export function diagramBaseName(procedure: ProcedureDefinition, newest: boolean): string {
  return newest ? procedure.id : `${procedure.id}-v${procedure.version}`;
}

/** Every diagram file for every procedure in `registry`, in registry order. */
export async function diagramFiles(registry: ProcedureRegistry = procedureRegistry): Promise<DiagramFile[]> {
  const procedures = registry.current();
  const files: DiagramFile[] = [];
  for (const procedure of procedures) {
    const newest = procedures.every((p) => p.id !== procedure.id || p.version <= procedure.version);
    const base = diagramBaseName(procedure, newest);
    const dot = procedureDot(procedure);
    files.push({ name: `${base}.dot`, content: dot });
    files.push({ name: `${base}.svg`, content: await renderSvg(dot) });
    files.push({ name: `${base}.mmd`, content: procedureMermaid(procedure) });
  }
  return files;
}
