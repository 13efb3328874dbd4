/**
 * What every diagram must show, read straight from the machine with the structure walker (not
 * from the diagram model), so a renderer or model that drops a state or transition fails.
 */
import type { AnyStateMachine } from 'xstate';
import { type WalkedTransition, rootTransitions, walkStates } from '../../diagrams/machine-walk';

export interface ExpectedTransition {
  /** Dotted path of the declaring state; '' for the root. */
  source: string;
  /** Dotted path of the target; absent for a transition that stays. */
  target?: string;
  /** Event type, delay name, or 'automatisk' for an eventless transition. */
  trigger: string;
  /** '[guard]', '[ellers]' (unguarded after a guarded one for the same event), or absent. */
  condition?: string;
}

/** Every transition of `machine`, one entry per target, with the text its label must carry. */
export function expectedTransitions(machine: AnyStateMachine): ExpectedTransition[] {
  const prefix = `${machine.id}.`;
  const out: ExpectedTransition[] = [];
  const add = (source: string, list: WalkedTransition[]) => {
    const guarded = new Set<string>();
    for (const w of list) {
      const trigger = w.event === 'always' ? 'automatisk' : w.event.replace(/^after:/, '');
      const condition = w.guard ? `[${w.guard}]` : guarded.has(w.event) ? '[ellers]' : undefined;
      if (w.guard) guarded.add(w.event);
      const base = { source, trigger, ...(condition ? { condition } : {}) };
      if (w.targets.length === 0) out.push(base);
      for (const id of w.targets) out.push({ ...base, target: id.startsWith(prefix) ? id.slice(prefix.length) : id });
    }
  };
  add('', rootTransitions(machine));
  for (const s of walkStates(machine)) add(s.path, s.transitions);
  return out;
}

/** Walked states with the label and roles (role ids) their node must show. */
export function expectedStates(machine: AnyStateMachine) {
  return walkStates(machine).map((s) => ({
    path: s.path,
    label: s.meta?.label ?? s.path,
    roles: [...(s.meta?.responsible ?? [])],
    final: s.final,
    compound: !s.leaf,
  }));
}
