/**
 * Diagrams of the procedure machines, generated from the machine definitions and drawn offline:
 * Graphviz DOT (rendered to SVG with Graphviz compiled to WebAssembly) and Mermaid
 * `stateDiagram-v2`. Both take `{ highlight: { current, route } }` to show a case's way through
 * its procedure. The audit report and `npm run diagrams` use these three functions.
 */
export { procedureDot } from './dot';
export { procedureMermaid } from './mermaid';
export { renderSvg } from './render';
export type { DiagramOptions, HighlightOptions, RouteStep } from './highlight';
