/**
 * Highlighting a case: the route's states and the transitions between them are marked (also the
 * eventless hop out of a transient state and the initial arrows into compound states), the
 * current state strongly; a route step's cause picks the transition; an unknown state is refused.
 */
import { getProcedure } from '../../machines/registry';
import { procedureDot, procedureMermaid, renderSvg } from '../../diagrams';
import { buildGraph } from '../../diagrams/graph';
import { UnknownStateError, highlightMarks } from '../../diagrams/highlight';
import { edgeClass, transitionId as transitionIn } from '../helpers/diagram-edges';

const plan = getProcedure('plan-for-skolenaervaer');
const graph = buildGraph(plan);
/** The id of the one transition from `source` to `target` taking `event` (and `guard`, if given), in procedure A's graph. */
const transitionId = (source: string, target: string, event: string, guard?: string) => transitionIn(graph, source, target, event, guard);

const route = ['trinn1.contactingGuardians', 'trinn1.mappingAndMeasures', 'trinn1.followingMeasures'];

test('the route marks its states with their parents, the transient opening state and the transitions between them', () => {
  const marks = highlightMarks(graph, { current: 'trinn1.followingMeasures', route });
  expect([...marks.visitedStates].sort()).toEqual(['opening', 'trinn1', ...route].sort());
  expect(marks.current).toBe('trinn1.followingMeasures');
  expect([...marks.visitedTransitions].sort()).toEqual(
    [
      transitionId('opening', 'trinn1', 'always'),
      transitionId('trinn1.contactingGuardians', 'trinn1.mappingAndMeasures', 'guardians.contacted'),
      transitionId('trinn1.mappingAndMeasures', 'trinn1.followingMeasures', 'measures.agreed'),
    ].sort(),
  );
  // The machine's own initial arrow (into 'opening') and Trinn 1's (into its first step).
  expect([...marks.visitedInitials].sort()).toEqual(['', 'trinn1']);
});

test("a step's cause picks the transition when several lead to the same state", () => {
  const steps = [{ path: 'trinn1.followingMeasures' }, { path: 'trinn2.callingMeeting', cause: 'escalation.decided' }];
  const withCause = highlightMarks(graph, { route: steps });
  expect([...withCause.visitedTransitions]).toEqual([transitionId('trinn1.followingMeasures', 'trinn2', 'escalation.decided')]);
  expect(withCause.visitedInitials.has('trinn2')).toBe(true);
  // Without causes both transitions from followingMeasures into Trinn 2 are possible.
  const withoutCause = highlightMarks(graph, { route: steps.map((s) => s.path) });
  expect(withoutCause.visitedTransitions.size).toBe(2);
});

test('a delayed transition back into the same state is marked when the cause names it', () => {
  const raelingen = buildGraph(getProcedure('raelingen-veileder'));
  const marks = highlightMarks(raelingen, {
    route: [
      { path: 'open.contactingHome.awaitingContact' },
      { path: 'open.contactingHome.awaitingContact', cause: 'after:homeContactedImmediately' },
    ],
  });
  const loop = raelingen.transitions.find((t) => t.event === 'after:homeContactedImmediately');
  expect([...marks.visitedTransitions]).toEqual([loop!.id]);
});

test('a path the procedure does not have is refused with its name', () => {
  expect(() => highlightMarks(graph, { current: 'open.nowhere' })).toThrow(UnknownStateError);
  expect(() => procedureDot(plan, { highlight: { route: ['trinn9'] } })).toThrow('«trinn9»');
});

test('DOT marks visited states, clusters, transitions and the current state, and the SVG keeps the marks', async () => {
  const dot = procedureDot(plan, { highlight: { current: 'trinn1.followingMeasures', route } });
  expect(dot).toContain('Saken er her nå');
  expect(dot).toMatch(/"trinn1\.followingMeasures" \[id="state:trinn1\.followingMeasures", class="state visited current"/);
  expect(dot).toMatch(/"trinn1\.contactingGuardians" \[id="state:trinn1\.contactingGuardians", class="state visited"/);
  expect(dot).toMatch(/graph \[id="state:trinn1", class="compound visited"/);
  expect(dot).toMatch(/graph \[id="state:trinn2", class="compound"/);
  const svg = await renderSvg(dot);
  expect(svg).toContain('<g id="state:trinn1.followingMeasures" class="node state visited current">');
  expect(svg).toContain('<g id="state:trinn1.mappingAndMeasures" class="node state visited">');
  expect(svg).toContain('<g id="state:trinn1" class="cluster compound visited">');
  expect(edgeClass(svg, transitionId('trinn1.contactingGuardians', 'trinn1.mappingAndMeasures', 'guardians.contacted'))).toBe(
    'edge transition event visited',
  );
  expect(edgeClass(svg, transitionId('trinn1.followingMeasures', 'trinn2', 'escalation.decided'))).toBe('edge transition event');
  expect(svg).toContain('<g id="initial:trinn1" class="edge initial visited">');
  expect(svg).toContain('<g id="state:trinn2.callingMeeting" class="node state">');
});

test('on an edge shared by several transitions, the one the case took is bold', () => {
  const dot = procedureDot(plan, {
    highlight: { route: [{ path: 'trinn1.followingMeasures' }, { path: 'trinn2.callingMeeting', cause: 'escalation.decided' }] },
  });
  const shared = dot
    .split('\n')
    .find((line) => line.includes(`id="transition:${transitionId('trinn1.followingMeasures', 'trinn2', 'evaluation.held')}+`));
  expect(shared).toContain('class="transition event visited"');
  expect(shared).toContain('<B>escalation.decided</B>');
  expect(shared).toContain('evaluation.held<BR/>[ellers]');
});

test('without a highlight nothing is marked', () => {
  const dot = procedureDot(plan);
  expect(dot).not.toMatch(/visited|current"/);
  expect(procedureMermaid(plan)).not.toMatch(/✔|class \S+ (visited|current)/);
});

test('Mermaid gives the route the visited class, the current state the current class and ticks the route transitions', () => {
  const text = procedureMermaid(plan, { highlight: { current: 'trinn1.followingMeasures', route } });
  expect(text).toContain('class opening,trinn1__contactingGuardians,trinn1__mappingAndMeasures visited');
  expect(text).toContain('class trinn1__followingMeasures current');
  expect(text).toContain('trinn1__contactingGuardians --> trinn1__mappingAndMeasures : ✔ guardians.contacted');
  expect(text).toContain('opening --> trinn1 : ✔ automatisk [ellers]');
  expect(text).toContain('state "Saken er her nå<br/>Trinn 1: Tiltak prøves ut');
  expect(text.split('\n').filter((l) => l.includes('✔'))).toHaveLength(3);
});
