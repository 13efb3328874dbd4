/**
 * `npm run diagrams -- --case`: a case on the time-skipping server answers caseMachineState,
 * and its diagram marks the route it took and where it is now; a pupil without a case is
 * reported as not found, by the case id (pseudonymous) that was asked for.
 */
import { CaseNotFoundError, caseDiagram, caseDiagramSvg } from '../../diagrams/case-diagram';
import { buildGraph } from '../../diagrams/graph';
import { getProcedure } from '../../machines/registry';
import { edgeClass, transitionId as transitionIn } from '../helpers/diagram-edges';
import { caseEvent, type CaseHandle, closeCaseAsMoved, openCase, useCaseTestEnv, withCaseWorker } from '../helpers/case-env';
import { caseWorkflowId } from '../helpers/case-ids';
import { sendEvent } from '../helpers/case-steps';

const ID = 'plan-for-skolenaervaer';
const t = useCaseTestEnv();

/** The id of the transition from `source` to `target` on `event`, in procedure A's graph. */
const transitionId = (source: string, target: string, event: string) => transitionIn(buildGraph(getProcedure(ID)), source, target, event);

/**
 * Ends the case the way a school would (the pupil moved) rather than terminating it: on the
 * time-skipping server, terminating a workflow leaves time skipping locked for the file.
 */
const closeCase = (handle: CaseHandle) => closeCaseAsMoved(t, handle.workflowId);

test('the case diagram marks the route from opening through the first event and the state the case is in now', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, { rule: 'days-over-limit', dates: ['2026-09-01', '2026-09-02'] });
    await sendEvent(handle, caseEvent('guardians.contacted', { channel: 'phone', cause: 'unknown', documentRef: 'log-1' }, await t.now()));

    const diagram = await caseDiagram(t.env.client, handle.workflowId);
    expect(diagram.workflowId).toBe(handle.workflowId);
    expect(diagram.state.path).toBe('trinn1.mappingAndMeasures');
    expect(diagram.state.route.map((step) => [step.cause, step.path])).toEqual([
      ['opened', 'trinn1.contactingGuardians'],
      ['guardians.contacted', 'trinn1.mappingAndMeasures'],
    ]);
    expect(diagram.currentLabel).toBe('Trinn 1: Kartlegging av psykososialt miljø og tiltak');
    const svg = diagram.svg;
    // Graphviz writes '-' in SVG text as '&#45;'.
    expect(svg).toContain(`Sak ${handle.workflowId.replace(/-/g, '&#45;')}`);
    expect(svg).toContain('<g id="state:trinn1.mappingAndMeasures" class="node state visited current">');
    expect(svg).toContain('<g id="state:trinn1.contactingGuardians" class="node state visited">');
    expect(svg).toContain('<g id="state:opening" class="node state visited">');
    expect(svg).toContain('<g id="state:trinn1" class="cluster compound visited">');
    expect(edgeClass(svg, transitionId('opening', 'trinn1', 'always'))).toBe('edge transition always visited');
    expect(edgeClass(svg, transitionId('trinn1.contactingGuardians', 'trinn1.mappingAndMeasures', 'guardians.contacted'))).toBe(
      'edge transition event visited',
    );
    expect(edgeClass(svg, transitionId('trinn1.mappingAndMeasures', 'trinn1.followingMeasures', 'measures.agreed'))).toBe(
      'edge transition event',
    );
    // Nothing beyond where the case has been is marked.
    expect(svg).toContain('<g id="state:trinn1.followingMeasures" class="node state">');
    expect(svg).toContain('<g id="state:universal.awaitingNotice" class="node state">');
    expect(svg.match(/class="node state[^"]*visited/g)).toHaveLength(3);

    await closeCase(handle);
    // A closed case still answers: the root's "pupil moved" transition ends the route.
    const closed = await caseDiagramSvg(t.env.client, handle.workflowId);
    expect(closed).toContain('<g id="state:closed" class="node state final visited current">');
    expect(edgeClass(closed, transitionId('', 'closed', 'case.closed'))).toBe('edge transition event visited');
  });
});

test('a pupil without a case is reported as not found, naming the case id', async () => {
  await withCaseWorker(t, async () => {
    const missing = caseWorkflowId('school1', 'no-such-pupil');
    await expect(caseDiagram(t.env.client, missing)).rejects.toThrow(CaseNotFoundError);
    await expect(caseDiagram(t.env.client, missing)).rejects.toThrow(missing);
  });
});
