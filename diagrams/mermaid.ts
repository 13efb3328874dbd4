/**
 * Mermaid `stateDiagram-v2` for a procedure, with the same content as the DOT diagram: compound
 * states as composite blocks, each state's Norwegian label and responsible roles in its
 * description, transitions labelled with event, delay (and its length) and guard. State ids are
 * derived from the dotted paths and kept to safe identifiers, since Mermaid's lexer reads
 * keywords case-insensitively and stops an id at a hyphen. Transition labels avoid ':' and ';',
 * which end a label in Mermaid's grammar.
 */
import type { ProcedureDefinition } from '../machines/registry';
import {
  type DiagramState,
  type DiagramTransition,
  type ProcedureGraph,
  ROOT,
  buildGraph,
  childrenOf,
  parentOf,
  transitionText,
} from './graph';
import type { DiagramOptions } from './highlight';
import { DiagramWriter } from './writer';

/** Words Mermaid's state-diagram lexer treats as keywords (compared case-insensitively). */
const RESERVED = new Set([
  'state',
  'note',
  'class',
  'classdef',
  'style',
  'direction',
  'scale',
  'end',
  'hide',
  'click',
  'as',
  'acctitle',
  'accdescr',
  'statediagram',
]);

/** Mermaid text for inside a quoted state description: no quotes, no raw markup, no `%%` comments. */
export function mermaidText(value: string): string {
  return value
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/%%/g, '%')
    .replace(/[\r\n]+/g, ' ');
}

/** Mermaid text for a transition label, which ends at ':' or ';' and at the line's end. */
export function mermaidLabel(value: string): string {
  return mermaidText(value).replace(/:\s*/g, ' – ').replace(/;/g, ',');
}

/** Is `id` safe as a Mermaid state id (a plain identifier the lexer cannot take for a keyword)? */
export function isSafeMermaidId(id: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(id) && !RESERVED.has(id.toLowerCase()) && !id.toLowerCase().startsWith('default');
}

/** Allocates unique safe ids: the dotted path with '__' for the dots, prefixed when needed. */
class IdAllocator {
  private readonly used = new Set<string>();

  allocate(wanted: string): string {
    let base = wanted.replace(/\./g, '__').replace(/[^A-Za-z0-9_]/g, '_');
    if (!isSafeMermaidId(base)) base = `s_${base}`;
    let id = base;
    for (let n = 2; this.used.has(id); n += 1) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}

function transitionLabel(t: DiagramTransition): string {
  const text = transitionText(t);
  return [text.trigger, text.delayPhrase ? `– ${text.delayPhrase}` : undefined, text.condition].filter(Boolean).join(' ');
}

/** Deepest state (ROOT at most) containing both `a` and `b`. */
function commonContainer(a: string, b: string): string {
  const left = a === ROOT ? [] : a.split('.');
  const right = b === ROOT ? [] : b.split('.');
  const shared: string[] = [];
  for (let i = 0; i < Math.min(left.length, right.length) && left[i] === right[i]; i += 1) shared.push(left[i]!);
  return shared.join('.');
}

class MermaidWriter extends DiagramWriter {
  private readonly ids = new Map<string, string>();
  private readonly noteIds = new Map<string, string>();
  /** Relations by the block (state path, ROOT for the top) they are declared in. */
  private readonly relations = new Map<string, string[]>();

  constructor(graph: ProcedureGraph, options: DiagramOptions) {
    super(graph, options);
    const allocator = new IdAllocator();
    for (const s of graph.states) this.ids.set(s.path, allocator.allocate(s.path));
    // A note for the root and each compound state that declares transitions (see DOT's notes).
    for (const path of [ROOT, ...graph.states.filter((s) => s.compound).map((s) => s.path)]) {
      if (this.hasOwnTransitions(path)) this.noteIds.set(path, allocator.allocate(path === ROOT ? 'all_states' : `whole_${path}`));
    }
    for (const t of graph.transitions) this.addRelation(t);
  }

  private id(path: string): string {
    return this.ids.get(path)!;
  }

  private addRelation(t: DiagramTransition): void {
    const target = t.target!;
    const source = this.states.get(t.source);
    // Compound and root transitions start at the note inside that state, as in the DOT diagram.
    const fromNote = t.source === ROOT || source?.compound === true;
    const tail = fromNote ? this.noteIds.get(t.source)! : this.id(t.source);
    const tailContainer = fromNote ? t.source : parentOf(t.source);
    const block = commonContainer(tailContainer, parentOf(target));
    const mark = this.marks.visitedTransitions.has(t.id) ? '✔ ' : '';
    const list = this.relations.get(block) ?? [];
    list.push(`${tail} --> ${this.id(target)} : ${mermaidLabel(`${mark}${transitionLabel(t)}`)}`);
    this.relations.set(block, list);
  }

  render(): string {
    const g = this.graph;
    const highlighted = this.marks.visitedStates.size > 0;
    const title = [
      `${g.displayName} (${g.procedureId}, versjon ${g.version})`,
      this.caption,
      highlighted ? 'sakens vei markert' : undefined,
    ]
      .filter(Boolean)
      .join(' – ');
    this.emit(0, '---');
    this.emit(0, `title: "${title.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
    this.emit(0, '---');
    this.emit(0, 'stateDiagram-v2');
    this.emit(1, 'direction TB');
    this.emit(1, 'classDef final fill:#e5e7eb,stroke:#4b5563,stroke-width:3px');
    this.emit(1, 'classDef notes fill:#f9fafb,stroke:#6b7280,stroke-dasharray:4 3,font-size:11px');
    this.emit(1, 'classDef visited fill:#dbeafe,stroke:#1d4ed8,stroke-width:2px');
    this.emit(1, 'classDef current fill:#fde68a,stroke:#b91c1c,stroke-width:4px,font-weight:bold');
    this.renderBlock(ROOT, 1);
    this.renderClasses();
    return this.text();
  }

  private description(state: DiagramState): string {
    const lines = [
      ...(this.marks.current === state.path ? ['Saken er her nå'] : []),
      state.label,
      ...(state.responsible.length ? [`Ansvar: ${state.responsible.join(', ')}`] : []),
      ...(state.compound ? [] : this.internalLines(state.internal)),
    ];
    return lines.map(mermaidText).join('<br/>');
  }

  private internalLines(internal: readonly DiagramTransition[]): string[] {
    return internal.length ? ['tar imot uten å bytte tilstand:', ...internal.map(transitionLabel)] : [];
  }

  /** Declares the states of one block (ROOT or a compound state), then its relations. */
  private renderBlock(parent: string, depth: number): void {
    const note = this.noteIds.get(parent);
    if (note !== undefined) {
      const lines = [this.notesHeading(parent), ...this.internalLines(this.internalOf(parent))];
      this.emit(depth, `state "${lines.map(mermaidText).join('<br/>')}" as ${note}`);
    }
    for (const state of childrenOf(this.graph, parent)) {
      if (state.compound) {
        this.emit(depth, `state "${this.description(state)}" as ${this.id(state.path)} {`);
        this.renderBlock(state.path, depth + 1);
        this.emit(depth, '}');
      } else {
        this.emit(depth, `state "${this.description(state)}" as ${this.id(state.path)}`);
        if (state.final) this.emit(depth, `${this.id(state.path)} --> [*]`);
      }
    }
    const initial = this.initialOf(parent);
    if (initial !== undefined) this.emit(depth, `[*] --> ${this.id(initial)}`);
    for (const line of this.relations.get(parent) ?? []) this.emit(depth, line);
  }

  /** Class statements; Mermaid styles plain states only, so composite states carry none. */
  private renderClasses(): void {
    const leaves = this.graph.states.filter((s) => !s.compound);
    const groups: [string, string[]][] = [
      ['notes', [...this.noteIds.values()]],
      ['final', leaves.filter((s) => s.final && !this.visited(s.path)).map((s) => this.id(s.path))],
      ['visited', leaves.filter((s) => this.visited(s.path) && s.path !== this.marks.current).map((s) => this.id(s.path))],
      ['current', leaves.filter((s) => s.path === this.marks.current).map((s) => this.id(s.path))],
    ];
    for (const [name, ids] of groups) if (ids.length) this.emit(1, `class ${ids.join(',')} ${name}`);
  }
}

/**
 * Mermaid `stateDiagram-v2` text for `procedure`. With `options.highlight`, the route's states
 * get the `visited` class, the current state the `current` class, and the route's transitions
 * a leading "✔" in their labels (Mermaid state diagrams cannot style single transitions).
 */
export function procedureMermaid(procedure: ProcedureDefinition, options: DiagramOptions = {}): string {
  return new MermaidWriter(buildGraph(procedure), options).render();
}
