/**
 * Evaluates a procedure's named delays against its default policy, the way the workflow's
 * machine would for a newly opened case, so a diagram can say "innen 3 uker" instead of a
 * delay name alone. Delays are functions of the context (and sometimes of the event that
 * entered the state); a delay that reads its event counts to a date agreed in that event.
 */
import { initialCaseContext } from '../machines/case-context';
import { type ProcedureDefinition, buildCaseInput } from '../machines/registry';
import { delayPhrase } from './durations-text';

/** A named delay with its length under the procedure's default policy. */
export interface ResolvedDelay {
  name: string;
  /** Milliseconds under the default policy (the fallback, for a delay counted to an agreed date). */
  ms: number;
  /** The delay reads the event that entered the state: it runs to a date agreed in that event. */
  onAgreedDate: boolean;
  /** Norwegian, e.g. "innen 3 uker" or "etter 30 dager". */
  phrase: string;
}

type DelayFunction = (args: { context: unknown; event: unknown }, params: unknown) => unknown;

/** The context a new case of `procedure` starts with, under the procedure's default policy. */
export function defaultContext(procedure: ProcedureDefinition): unknown {
  const [rule] = procedure.openingRules;
  const input = buildCaseInput(procedure, {
    caseId: 'diagram',
    pupilId: 'diagram',
    schoolId: 'diagram',
    grade: 9,
    openedAt: '2026-01-05T08:00:00.000Z',
    trigger: { rule, dates: ['2026-01-05'] },
  });
  return initialCaseContext(input);
}

/**
 * Delays whose length is not one number of milliseconds: they count calendar months, or run to
 * a school day counted from the absence that opened the case. Measured at the diagram's default
 * date they would read as an accident of that date ("etter 40 timer", "etter 92 dager"), so
 * the diagram states their rule instead.
 */
const calendarDelayPhrases: Record<string, string> = {
  contactAfterThreeDaysWithoutNotice: 'på 3. skoledag uten melding',
  innsatsteamThreeMonths: 'etter 3 måneder',
};

/**
 * Resolves the delay `name` (a key of the machine's `delays`, or a literal number of
 * milliseconds, which XState also allows in `after`). Throws when the machine has no such delay.
 */
export function resolveDelay(procedure: ProcedureDefinition, name: string, context: unknown = defaultContext(procedure)): ResolvedDelay {
  if (/^\d+$/.test(name)) {
    const ms = Number(name);
    return { name, ms, onAgreedDate: false, phrase: delayPhrase(name, ms, false) };
  }
  const delays = (procedure.machine.implementations.delays ?? {}) as Record<string, DelayFunction | number | undefined>;
  const delay = delays[name];
  if (delay === undefined) throw new Error(`Rutinen ${procedure.id} har ingen forsinkelse som heter «${name}»`);
  let readsEvent = false;
  // The event is a spy: a delay that looks at it is counting to a date the event carries.
  const event = new Proxy(
    { type: 'xstate.init' },
    {
      get: (target, key, receiver) => {
        readsEvent = true;
        return Reflect.get(target, key, receiver);
      },
      has: (target, key) => {
        readsEvent = true;
        return Reflect.has(target, key);
      },
    },
  );
  const value = typeof delay === 'function' ? delay({ context, event }, undefined) : delay;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`Forsinkelsen «${name}» i rutinen ${procedure.id} ga ikke et antall millisekunder`);
  }
  return { name, ms: value, onAgreedDate: readsEvent, phrase: calendarDelayPhrases[name] ?? delayPhrase(name, value, readsEvent) };
}
