/**
 * Structural rules every registered procedure machine must keep: each state has complete meta
 * citing its own clauses, no state is a dead end or unreachable, and guards and delays are
 * named implementations (never inline lambdas or magic milliseconds in the chart).
 */
import { listProcedures } from '../../machines/registry';
import { guardNamesIn, walkStates } from '../../diagrams/machine-walk';

const procedures = listProcedures().map((p) => [`${p.id} v${p.version}`, p] as const);

describe.each(procedures)('%s', (_name, procedure) => {
  const states = walkStates(procedure.machine);
  const clauseIds = new Set(procedure.clauses.map((c) => c.id));
  const implementations = procedure.machine.implementations;

  test('every state has a Norwegian label, responsible roles, clauses and a public stage', () => {
    for (const state of states) {
      expect({ state: state.path, label: state.meta?.label?.trim() ?? '' }).toEqual({
        state: state.path,
        label: expect.stringMatching(/\S/),
      });
      expect(Array.isArray(state.meta?.responsible)).toBe(true);
      expect(Array.isArray(state.meta?.requiredDocuments)).toBe(true);
      expect({ state: state.path, clauses: state.meta?.clauses.length ?? 0 }).toEqual({ state: state.path, clauses: expect.any(Number) });
      expect(state.meta?.stage).toEqual(expect.any(String));
      for (const id of state.meta?.clauses ?? []) {
        expect({ state: state.path, clause: id, known: clauseIds.has(id) }).toEqual({ state: state.path, clause: id, known: true });
      }
    }
  });

  test('clause ids are unique', () => {
    expect(clauseIds.size).toBe(procedure.clauses.length);
  });

  test('no dead ends: every open leaf state has a way to another state (an event or a deadline)', () => {
    for (const state of states.filter((s) => s.leaf && !s.final)) {
      const ancestors = states.filter((s) => state.path.startsWith(`${s.path}.`));
      const ways = [state, ...ancestors].flatMap((s) => s.transitions).filter((t) => t.targets.some((target) => target !== state.id));
      expect({ state: state.path, ways: ways.length > 0 }).toEqual({ state: state.path, ways: true });
    }
  });

  test('every state is reachable from the initial state', () => {
    const byId = new Map(states.map((s) => [s.id, s]));
    const reached = new Set<string>();
    const enter = (id: string): void => {
      if (reached.has(id) || !byId.has(id)) return;
      reached.add(id);
      const node = byId.get(id)!;
      // Entering a compound state enters its initial child; being in a child means being in its parents.
      procedure.machine.getStateNodeById(id).initial?.target?.forEach((child) => enter(child.id));
      node.transitions.forEach((t) => t.targets.forEach(enter));
      states.filter((s) => id.startsWith(`${s.id}.`)).forEach((ancestor) => enter(ancestor.id));
    };
    procedure.machine.root.initial?.target?.forEach((node) => enter(node.id));
    for (const defs of procedure.machine.root.transitions.values()) defs.forEach((def) => (def.target ?? []).forEach((n) => enter(n.id)));
    expect(states.filter((s) => !reached.has(s.id)).map((s) => s.path)).toEqual([]);
  });

  test('every guard and delay in the chart is a named implementation', () => {
    for (const state of states) {
      for (const t of state.transitions) {
        for (const guard of t.guard ? guardNamesIn(t.guard) : []) {
          expect({ state: state.path, guard, named: guard in implementations.guards }).toMatchObject({ named: true });
        }
        if (t.event.startsWith('after:')) {
          const delay = t.event.slice('after:'.length);
          expect({ state: state.path, delay, named: delay in implementations.delays }).toMatchObject({ named: true });
        }
      }
    }
  });
});

describe.each(procedures)('%s routine delays', (_name, procedure) => {
  test('every routine delay names a delay of the machine', () => {
    for (const delay of procedure.routineDelays) expect(Object.keys(procedure.machine.implementations.delays)).toContain(delay);
  });
});
