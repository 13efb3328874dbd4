/**
 * Graphviz DOT for a procedure: compound states as clusters, leaves as boxes, final states with
 * a double border, a dot and arrow for each initial state. Labels are HTML-like so a state shows
 * its Norwegian label in bold with the responsible roles beneath; transitions show the event,
 * the delay with its length under the default policy, and the guard. Transitions declared on a
 * compound state (or on the root) start from a note in that cluster that lists what the state
 * takes without moving. A case's route and current state can be emphasized.
 */
import type { ProcedureDefinition } from '../machines/registry';
import { type DiagramState, type DiagramTransition, ROOT, buildGraph, childrenOf, isWithin, transitionText } from './graph';
import type { DiagramOptions } from './highlight';
import { DiagramWriter } from './writer';

const FONT = 'Helvetica';
const COLOR = {
  line: '#4b5563',
  muted: '#6b7280',
  finalFill: '#e5e7eb',
  noteFill: '#f9fafb',
  visited: '#1d4ed8',
  visitedFill: '#dbeafe',
  current: '#b91c1c',
  currentFill: '#fde68a',
};

/** A DOT quoted ID: backslashes and double quotes escaped, line breaks as `\n`. */
export function dotId(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** Text for inside an HTML-like label: markup characters as entities; æøå stay as they are. */
export function htmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Node names: a state's own path; pseudo-nodes carry a prefix a path (no ':') cannot have. */
const initialNode = (path: string) => `initial:${path}`;
const notesNode = (path: string) => `notes:${path}`;
const clusterName = (path: string) => `cluster_${path}`;

/** An HTML-like label, already marked up and escaped; written as `<…>` instead of a quoted string. */
class Html {
  constructor(readonly markup: string) {}
}
const html = (markup: string) => new Html(markup);

type AttributeValue = string | number | Html | undefined;
type Attributes = Record<string, AttributeValue>;

/** ` [a=1, b="x", label=<…>]`, leaving out undefined values; '' when nothing is left. */
function attributes(attrs: Attributes): string {
  const parts = Object.entries(attrs)
    .filter((entry): entry is [string, string | number | Html] => entry[1] !== undefined)
    .map(([key, value]) => {
      if (value instanceof Html) return `${key}=<${value.markup}>`;
      return `${key}=${typeof value === 'number' ? value : dotId(value)}`;
    });
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

const small = (text: string, size = 9) => `<FONT POINT-SIZE="${size}">${text}</FONT>`;
const muted = (text: string, size = 8) => `<FONT POINT-SIZE="${size}" COLOR="${COLOR.muted}">${text}</FONT>`;

/** One line of a transition: trigger (with delay) and condition, as escaped HTML. */
function transitionLine(t: DiagramTransition): string {
  const text = transitionText(t);
  const trigger = text.delayPhrase ? `${text.trigger}: ${text.delayPhrase}` : text.trigger;
  return htmlText([trigger, text.condition].filter(Boolean).join(' '));
}

/** Lines listing transitions a state takes without moving. */
function internalLines(internal: readonly DiagramTransition[]): string {
  if (internal.length === 0) return '';
  return `<BR/>${muted(htmlText('tar imot uten å bytte tilstand:'))}${internal.map((t) => `<BR/>${small(transitionLine(t), 8)}`).join('')}`;
}

class DotWriter extends DiagramWriter {
  render(): string {
    const g = this.graph;
    const highlighted = this.marks.visitedStates.size > 0 || this.marks.current !== undefined;
    const legend = [
      ...(this.caption ? [htmlText(this.caption)] : []),
      small(htmlText(`${g.procedureId}, versjon ${g.version}. Stiplede piler er frister, regnet med rutinens standardinnstillinger.`)),
      ...(highlighted ? [small(htmlText('Blått: veien saken har gått. Gult med rød ramme: her er saken nå.'))] : []),
    ];
    this.emit(0, `digraph ${dotId(g.procedureId)} {`);
    const title = html(`<B>${htmlText(g.displayName)}</B><BR/>${legend.join('<BR/>')}`);
    this.emit(
      1,
      `graph${attributes({ compound: 'true', rankdir: 'TB', newrank: 'true', fontname: FONT, fontsize: 14, labelloc: 't', nodesep: 0.35, ranksep: 0.45, label: title })};`,
    );
    this.emit(
      1,
      `node${attributes({ shape: 'box', style: 'rounded,filled', fillcolor: '#ffffff', color: COLOR.line, fontname: FONT, fontsize: 11, margin: '0.15,0.06' })};`,
    );
    this.emit(1, `edge${attributes({ fontname: FONT, fontsize: 9, color: COLOR.line, arrowsize: 0.7 })};`);
    this.renderLevel(ROOT, 1);
    this.renderTransitions();
    this.emit(0, '}');
    return this.text();
  }

  /** The initial marker, the notes node (if any) and the states directly under `parent`. */
  private renderLevel(parent: string, depth: number): void {
    const initial = this.initialOf(parent);
    if (initial !== undefined) {
      const used = this.marks.visitedInitials.has(parent);
      const color = used ? COLOR.visited : 'black';
      this.emit(
        depth,
        `${dotId(initialNode(parent))}${attributes({ id: `initial-marker:${parent}`, class: 'initial', shape: 'point', style: 'filled', width: 0.14, color, fillcolor: color, label: '' })};`,
      );
    }
    if (this.hasOwnTransitions(parent)) this.renderNotes(parent, depth);
    for (const state of childrenOf(this.graph, parent)) {
      if (state.compound) this.renderCluster(state, depth);
      else this.renderLeaf(state, depth);
    }
    if (initial !== undefined) {
      const used = this.marks.visitedInitials.has(parent);
      const head = this.headOf(initial);
      this.emit(
        depth,
        `${dotId(initialNode(parent))} -> ${head.node}${attributes({
          ...head.attrs,
          id: `initial:${parent}`,
          class: used ? 'initial visited' : 'initial',
          color: used ? COLOR.visited : undefined,
          penwidth: used ? 2.5 : undefined,
        })};`,
      );
    }
  }

  private renderNotes(path: string, depth: number): void {
    const label = `${small(`<B>${htmlText(this.notesHeading(path))}</B>`)}${internalLines(this.internalOf(path))}`;
    this.emit(
      depth,
      `${dotId(notesNode(path))}${attributes({ id: `notes:${path}`, class: 'notes', shape: 'note', style: 'filled', fillcolor: COLOR.noteFill, color: COLOR.muted, fontsize: 9, label: html(label) })};`,
    );
  }

  private renderCluster(state: DiagramState, depth: number): void {
    const visited = this.visited(state.path);
    this.emit(depth, `subgraph ${dotId(clusterName(state.path))} {`);
    const label = [
      `<B>${htmlText(state.label)}</B>`,
      ...(state.responsible.length ? [small(htmlText(`Ansvar: ${state.responsible.join(', ')}`))] : []),
      muted(htmlText(state.path)),
    ].join('<BR/>');
    this.emit(
      depth + 1,
      `graph${attributes({
        id: `state:${state.path}`,
        class: visited ? 'compound visited' : 'compound',
        label: html(label),
        style: 'rounded,filled',
        fillcolor: visited ? '#f5f8ff' : '#fcfcfc',
        color: visited ? COLOR.visited : COLOR.line,
        penwidth: visited ? 2.5 : 1,
        fontname: FONT,
        fontsize: 12,
        labeljust: 'l',
      })};`,
    );
    this.renderLevel(state.path, depth + 1);
    this.emit(depth, '}');
  }

  private renderLeaf(state: DiagramState, depth: number): void {
    const current = this.marks.current === state.path;
    const visited = this.visited(state.path);
    const label = [
      ...(current ? [`<FONT COLOR="${COLOR.current}"><B>${htmlText('Saken er her nå')}</B></FONT>`] : []),
      `<B>${htmlText(state.label)}</B>`,
      ...(state.responsible.length ? [small(htmlText(`Ansvar: ${state.responsible.join(', ')}`))] : []),
      muted(htmlText(state.path)),
    ].join('<BR/>');
    const fill = current ? COLOR.currentFill : visited ? COLOR.visitedFill : state.final ? COLOR.finalFill : '#ffffff';
    this.emit(
      depth,
      `${dotId(state.path)}${attributes({
        id: `state:${state.path}`,
        class: ['state', ...(state.final ? ['final'] : []), ...(visited ? ['visited'] : []), ...(current ? ['current'] : [])].join(' '),
        label: html(`${label}${internalLines(state.internal)}`),
        fillcolor: fill,
        color: current ? COLOR.current : visited ? COLOR.visited : COLOR.line,
        penwidth: current ? 3.5 : visited ? 2 : undefined,
        peripheries: state.final ? 2 : undefined,
      })};`,
    );
  }

  /** The node an arrow into `path` ends at: the cluster's initial marker for a compound state. */
  private headOf(path: string): { node: string; attrs: Attributes } {
    const state = this.states.get(path);
    if (state?.compound) return { node: dotId(initialNode(path)), attrs: { lhead: clusterName(path) } };
    return { node: dotId(path), attrs: {} };
  }

  /**
   * Draws the transitions as edges. Transitions of one kind between the same two states share
   * one edge whose label lists each (a state that takes several events to the same place would
   * otherwise stack arrows with overlapping labels); the edge's id names every transition on it.
   */
  private renderTransitions(): void {
    const groups = new Map<string, DiagramTransition[]>();
    for (const t of this.graph.transitions) {
      const key = `${t.source}\u0000${t.target}\u0000${t.kind}`;
      groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    for (const group of groups.values()) this.renderEdge(group);
  }

  private renderEdge(group: readonly DiagramTransition[]): void {
    const [first] = group;
    const source = this.states.get(first!.source);
    const target = first!.target!;
    const kind = first!.kind;
    const sourceIsCluster = first!.source === ROOT || source?.compound === true;
    const tail = sourceIsCluster ? dotId(notesNode(first!.source)) : dotId(first!.source);
    const head = this.headOf(target);
    const attrs: Attributes = {};
    // Clip at the cluster's border unless the other end is inside it (Graphviz refuses that).
    if (sourceIsCluster && first!.source !== ROOT && !isWithin(target, first!.source)) attrs.ltail = clusterName(first!.source);
    if (head.attrs.lhead !== undefined && (first!.source === ROOT || !isWithin(first!.source, target))) attrs.lhead = head.attrs.lhead;
    const visited = group.some((t) => this.marks.visitedTransitions.has(t.id));
    const label = group
      .map((t) => {
        const text = transitionText(t);
        const trigger = text.delayPhrase ? `<I>${htmlText(`${text.trigger}: ${text.delayPhrase}`)}</I>` : htmlText(text.trigger);
        const lines = text.condition ? `${trigger}<BR/>${htmlText(text.condition)}` : trigger;
        // On a shared edge, the transition the case took is the bold one.
        return group.length > 1 && this.marks.visitedTransitions.has(t.id) ? `<B>${lines}</B>` : lines;
      })
      .join('<BR/>');
    this.emit(
      1,
      `${tail} -> ${head.node}${attributes({
        ...attrs,
        id: `transition:${group.map((t) => t.id).join('+')}`,
        class: visited ? `transition ${kind} visited` : `transition ${kind}`,
        label: html(label),
        style: kind === 'delayed' ? 'dashed' : kind === 'always' ? 'dotted' : undefined,
        color: visited ? COLOR.visited : undefined,
        fontcolor: visited ? COLOR.visited : undefined,
        penwidth: visited ? 2.5 : kind === 'always' ? 1.5 : undefined,
      })};`,
    );
  }
}

/**
 * Graphviz DOT for `procedure`. With `options.highlight`, the route's states and transitions
 * are drawn in blue and the current state in yellow with a red border; the SVG keeps the marks
 * as classes (`visited`, `current`) on the elements with ids `state:<path>` / `transition:<id>`.
 */
export function procedureDot(procedure: ProcedureDefinition, options: DiagramOptions = {}): string {
  return new DotWriter(buildGraph(procedure), options).render();
}
