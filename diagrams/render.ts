/**
 * Renders DOT to SVG with Graphviz compiled to WebAssembly (@viz-js/viz), fully offline. The
 * Graphviz instance is created once per process and reused: starting it compiles the module.
 */
// The package is an ES module whose types only load as one; its CommonJS build is what runs.
import type * as VizModule from '@viz-js/viz' with { 'resolution-mode': 'import' };

type Viz = Awaited<ReturnType<typeof VizModule.instance>>;

let viz: Promise<Viz> | undefined;

/** The process's one Graphviz instance. */
function graphviz(): Promise<Viz> {
  if (!viz) {
    // require loads the package's CommonJS build, so this file stays CommonJS like the rest.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { instance } = require('@viz-js/viz') as typeof VizModule;
    viz = instance();
  }
  return viz;
}

/** Thrown when Graphviz cannot lay out the DOT; the message carries Graphviz's own errors. */
export class RenderError extends Error {
  override name = 'RenderError';
}

/** SVG and Graphviz's warnings (a warning does not stop the drawing, e.g. an ignored attribute). */
export interface RenderResult {
  svg: string;
  warnings: string[];
}

/** Renders `dot` to SVG and returns Graphviz's warnings beside it. Throws RenderError on failure. */
export async function renderSvgWithWarnings(dot: string): Promise<RenderResult> {
  const result = (await graphviz()).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') {
    throw new RenderError(`Graphviz kunne ikke tegne diagrammet: ${result.errors.map((e) => e.message.trim()).join('; ')}`);
  }
  return { svg: result.output, warnings: result.errors.map((e) => e.message.trim()) };
}

/** Renders `dot` to an SVG document. Throws RenderError when Graphviz refuses it. */
export async function renderSvg(dot: string): Promise<string> {
  return (await renderSvgWithWarnings(dot)).svg;
}
