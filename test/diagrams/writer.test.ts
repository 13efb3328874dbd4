/**
 * DiagramWriter (diagrams/writer.ts), the part the DOT and Mermaid writers share, asked through a
 * small writer of its own on a real procedure graph.
 */
import { ROOT, buildGraph } from '../../diagrams/graph';
import { UnknownStateError } from '../../diagrams/highlight';
import { DiagramWriter } from '../../diagrams/writer';
import { getProcedure } from '../../machines/registry';

/** Lists, per level, what the shared questions answer. */
class OutlineWriter extends DiagramWriter {
  render(): string {
    if (this.caption) this.emit(0, this.caption);
    for (const path of [ROOT, ...this.graph.states.filter((s) => s.compound).map((s) => s.path)]) {
      const notes = this.hasOwnTransitions(path) ? ` notes «${this.notesHeading(path)}»` : '';
      this.emit(path === ROOT ? 0 : 1, `${path || '(rot)'} -> ${this.initialOf(path)} internal ${this.internalOf(path).length}${notes}`);
    }
    const visited = this.graph.states.filter((s) => this.visited(s.path)).map((s) => s.path);
    this.emit(0, `visited ${visited.join(', ')}; current ${this.marks.current}`);
    return this.text();
  }
}

const graph = buildGraph(getProcedure('plan-for-skolenaervaer'));
const compound = graph.states.find((s) => s.compound)!;

test('a writer answers each level’s initial state, internal events and notes, and ends every line with a line break', () => {
  const text = new OutlineWriter(graph, {}).render();
  const lines = text.split('\n');
  expect(text.endsWith('\n')).toBe(true);
  expect(lines[0]).toBe(
    `(rot) -> ${graph.initial} internal ${graph.rootInternal.length}${graph.rootInternal.length > 0 || graph.transitions.some((t) => t.source === ROOT) ? ' notes «I alle åpne tilstander»' : ''}`,
  );
  const line = lines.find((l) => l.startsWith(`  ${compound.path} -> `))!;
  expect(line).toContain(`-> ${compound.initial} internal ${compound.internal.length}`);
  const own = compound.internal.length > 0 || graph.transitions.some((t) => t.source === compound.path);
  expect(line.endsWith(' notes «I hele tilstanden»')).toBe(own);
  expect(lines.at(-2)).toBe('visited ; current undefined');
});

test('a writer carries the caption and the marks of the highlight, and refuses a state the procedure lacks', () => {
  const leaf = graph.states.find((s) => !s.compound && s.path.startsWith(`${compound.path}.`))!;
  const text = new OutlineWriter(graph, { caption: 'Sak S001/elev-1', highlight: { current: leaf.path } }).render();
  expect(text.split('\n')[0]).toBe('Sak S001/elev-1');
  expect(text).toContain(`visited ${compound.path}, ${leaf.path}; current ${leaf.path}`);
  expect(() => new OutlineWriter(graph, { highlight: { current: 'open.nowhere' } })).toThrow(UnknownStateError);
});
