/**
 * What the DOT and Mermaid writers share: the procedure's graph with its states by path, the
 * marks a case's route puts on it, the caption, the output lines, and the questions both ask of
 * a level of the chart (its initial state, the events it takes without moving, whether it needs
 * a notes node for its own transitions, and that note's heading).
 */
import { type DiagramState, type DiagramTransition, type ProcedureGraph, ROOT } from './graph';
import { type DiagramOptions, type HighlightMarks, highlightMarks } from './highlight';

export abstract class DiagramWriter {
  protected readonly states: ReadonlyMap<string, DiagramState>;
  protected readonly marks: HighlightMarks;
  protected readonly caption: string | undefined;
  private readonly lines: string[] = [];

  /** Throws UnknownStateError when `options.highlight` names a state the graph does not have. */
  constructor(
    protected readonly graph: ProcedureGraph,
    options: DiagramOptions,
  ) {
    this.states = new Map(graph.states.map((s) => [s.path, s]));
    this.marks = highlightMarks(graph, options.highlight);
    this.caption = options.caption;
  }

  /** The diagram's text. */
  abstract render(): string;

  /** Adds a line indented by `depth` levels. */
  protected emit(depth: number, line: string): void {
    this.lines.push(`${'  '.repeat(depth)}${line}`);
  }

  /** Every line emitted so far, each ending in a line break. */
  protected text(): string {
    return `${this.lines.join('\n')}\n`;
  }

  /** Did the case's route pass through `path` (or a state inside it)? */
  protected visited(path: string): boolean {
    return this.marks.visitedStates.has(path);
  }

  /** The initial state of the root or a compound state (undefined for a leaf). */
  protected initialOf(path: string): string | undefined {
    return path === ROOT ? this.graph.initial : this.states.get(path)?.initial;
  }

  /** What the root or a state takes without moving. */
  protected internalOf(path: string): readonly DiagramTransition[] {
    return path === ROOT ? this.graph.rootInternal : (this.states.get(path)?.internal ?? []);
  }

  /**
   * Does a transition start at `path`, or does it take events without moving? Then the root or
   * compound state gets a notes node: the list of those events and the tail of its arrows.
   */
  protected hasOwnTransitions(path: string): boolean {
    return this.internalOf(path).length > 0 || this.graph.transitions.some((t) => t.source === path);
  }

  /** The notes node's heading: the state's own label names it, the note only says where its arrows apply. */
  protected notesHeading(path: string): string {
    return path === ROOT ? 'I alle åpne tilstander' : 'I hele tilstanden';
  }
}
