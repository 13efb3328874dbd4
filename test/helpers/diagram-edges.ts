/**
 * Finding a transition of a procedure's diagram graph and the SVG edge that draws it, for tests
 * that check what a diagram marks.
 */
import type { ProcedureGraph } from '../../diagrams/graph';

/** The id of the one transition from `source` to `target` taking `event` (and `guard`, if given). */
export function transitionId(graph: ProcedureGraph, source: string, target: string, event: string, guard?: string): string {
  const found = graph.transitions.filter(
    (t) => t.source === source && t.target === target && t.event === event && (guard === undefined || t.guard === guard),
  );
  expect(found).toHaveLength(1);
  return found[0]!.id;
}

/** The class of the SVG edge that draws transition `id` (an edge may draw several: 'transition:t1+t2'). */
export function edgeClass(svg: string, id: string): string | undefined {
  for (const match of svg.matchAll(/<g id="transition:([^"]*)" class="([^"]*)">/g)) {
    if (match[1]!.split('+').includes(id)) return match[2];
  }
  return undefined;
}
