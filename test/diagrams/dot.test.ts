/**
 * The DOT diagram of every procedure shows every state (label, Norwegian roles, final, nesting)
 * and every transition of the machine (event or delay with its length, guard), checked against
 * the structure walker; it renders to SVG with æøå intact, and a highlight marks a route.
 */
import { roleNames } from '../../machines/labels';
import { currentProcedures, getProcedure } from '../../machines/registry';
import { procedureDot, renderSvg } from '../../diagrams';
import { dotId, htmlText } from '../../diagrams/dot';
import { renderSvgWithWarnings } from '../../diagrams/render';
import { resolveDelay } from '../../diagrams/delays';
import { expectedStates, expectedTransitions } from './walk-expectations';

const procedures = currentProcedures().map((p) => [p.id, p] as const);

/** One transition drawn on an edge: its tail and head nodes and its label lines, without markup. */
interface DrawnTransition {
  tail: string;
  head: string;
  /** Trigger line (the delay and its length included). */
  trigger: string;
  condition?: string;
  line: string;
}

/**
 * The transitions drawn in a DOT text (initial arrows excluded). An edge may carry several
 * transitions between the same two states: its label is trigger lines, each followed by its
 * condition line ("[…]") when it has one.
 */
function drawnTransitions(dot: string): DrawnTransition[] {
  return dot
    .split('\n')
    .filter((line) => line.includes('class="transition'))
    .flatMap((line) => {
      const match = /^\s*"([^"]*)" -> "([^"]*)" \[.*label=<(.*?)>(?:, [a-z]+=|\];)/.exec(line);
      if (!match) throw new Error(`not an edge: ${line}`);
      const out: DrawnTransition[] = [];
      for (const text of match[3]!.replace(/<\/?[BI]>/g, '').split('<BR/>')) {
        const previous = out.at(-1);
        if (text.startsWith('[') && previous && previous.condition === undefined) previous.condition = text;
        else out.push({ tail: match[1]!, head: match[2]!, trigger: text, line });
      }
      return out;
    });
}

/** Text as Graphviz writes it in SVG: markup characters as entities, '-' as '&#45;'. */
const svgText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/-/g, '&#45;');

/** The statement declaring node `name` (a state's leaf node or a notes node). */
const nodeLine = (dot: string, name: string) => dot.split('\n').find((line) => line.trimStart().startsWith(`${dotId(name)} [`));
/** The attribute line of the cluster of compound state `path`. */
const clusterLine = (dot: string, path: string) => dot.split('\n').find((line) => line.includes(`graph [id="state:${path}"`));

describe.each(procedures)('%s', (_id, procedure) => {
  const dot = procedureDot(procedure);

  test('every state shows its label and its responsible roles in Norwegian; compound states are clusters', () => {
    for (const state of expectedStates(procedure.machine)) {
      const line = state.compound ? clusterLine(dot, state.path) : nodeLine(dot, state.path);
      expect(line).toBeDefined();
      expect(line).toContain(`<B>${htmlText(state.label)}</B>`);
      for (const role of state.roles) expect(line).toContain(htmlText(roleNames[role as keyof typeof roleNames]));
      if (state.compound) expect(dot).toContain(`subgraph ${dotId(`cluster_${state.path}`)} {`);
      if (state.final) expect(line).toContain('peripheries=2');
    }
  });

  test('every compound state and the machine have an initial marker pointing at their initial state', () => {
    const initials = dot.split('\n').filter((line) => line.includes('class="initial'));
    const compounds = expectedStates(procedure.machine).filter((s) => s.compound);
    expect(initials.filter((line) => line.includes('->'))).toHaveLength(compounds.length + 1);
    expect(dot).toContain(`${dotId('initial:')} -> `);
  });

  test('every transition of the machine is drawn once, from its state to its target, with event or delay and guard', () => {
    const unmatched = drawnTransitions(dot);
    for (const t of expectedTransitions(procedure.machine).filter((e) => e.target !== undefined)) {
      const tails = [t.source, `notes:${t.source}`];
      const heads = [t.target!, `initial:${t.target}`];
      const delay = procedure.machine.implementations.delays[t.trigger] ? `: ${resolveDelay(procedure, t.trigger).phrase}` : '';
      const index = unmatched.findIndex(
        (e) =>
          tails.includes(e.tail) &&
          heads.includes(e.head) &&
          e.trigger === htmlText(`${t.trigger}${delay}`) &&
          e.condition === (t.condition === undefined ? undefined : htmlText(t.condition)),
      );
      if (index < 0) throw new Error(`no edge for ${t.source || '(root)'} --${t.trigger} ${t.condition ?? ''}--> ${t.target}`);
      unmatched.splice(index, 1);
    }
    expect(unmatched.map((e) => e.line)).toEqual([]);
  });

  test('every transition that stays is listed in its state (or in the note of its compound state or the root)', () => {
    for (const t of expectedTransitions(procedure.machine).filter((e) => e.target === undefined)) {
      const state = expectedStates(procedure.machine).find((s) => s.path === t.source);
      const line = state && !state.compound ? nodeLine(dot, t.source) : nodeLine(dot, `notes:${t.source}`);
      const delay =
        /^[a-z]\w*$/i.test(t.trigger) && procedure.machine.implementations.delays[t.trigger]
          ? `: ${resolveDelay(procedure, t.trigger).phrase}`
          : '';
      expect(line).toContain(htmlText([`${t.trigger}${delay}`, t.condition].filter(Boolean).join(' ')));
    }
  });

  test('delayed transitions carry the delay length under the default policy', () => {
    for (const t of expectedTransitions(procedure.machine).filter(
      (e) => e.target !== undefined && procedure.machine.implementations.delays[e.trigger],
    )) {
      expect(dot).toContain(htmlText(`${t.trigger}: ${resolveDelay(procedure, t.trigger).phrase}`));
    }
  });

  test('renders to SVG with every label, Norwegian letters intact, and no Graphviz warning about the layout', async () => {
    const { svg, warnings } = await renderSvgWithWarnings(dot);
    expect(svg).toContain('<svg');
    expect(svg).toContain(`>${svgText(procedure.displayName)}</text>`);
    for (const state of expectedStates(procedure.machine)) expect(svg).toContain(`>${svgText(state.label)}</text>`);
    // Graphviz estimates text width from built-in metrics that cover ASCII only; that is all
    // it may warn about (an ignored lhead/ltail or a bad attribute would show here).
    expect(warnings.filter((w) => !/non-ASCII character/.test(w))).toEqual([]);
  });
});

test('labels are escaped for DOT: quotes and backslashes in IDs, markup in HTML labels, æøå kept', () => {
  expect(dotId('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c\\nd"');
  expect(htmlText('Tiltak <A> & "B" \'C\' – æøå ÆØÅ')).toBe('Tiltak &lt;A&gt; &amp; &quot;B&quot; &#39;C&#39; – æøå ÆØÅ');
});

test('Norwegian letters survive into the SVG as characters, not as escapes', async () => {
  const svg = await renderSvg(procedureDot(getProcedure('plan-for-skolenaervaer')));
  expect(svg).toContain('Plan for skolenærvær');
  expect(svg).toContain('Trinn 1: Kartlegging av psykososialt miljø og tiltak');
  expect(svg).toContain('Trinn 3: Vurdering etter tre måneder');
  expect(svg).not.toMatch(/&#(230|248|229);/);
});

test('final states are drawn with a double border and initial markers as filled dots', () => {
  const dot = procedureDot(getProcedure('plan-for-skolenaervaer'));
  expect(nodeLine(dot, 'closed')).toMatch(/class="state final".*peripheries=2/);
  expect(nodeLine(dot, 'initial:trinn2')).toContain('shape="point"');
});
