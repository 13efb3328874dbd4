/**
 * Invariants every path of every procedure must keep, judged by replaying the path on the
 * procedure's machine (`replay.ts`) and reading the machine's own meta (stage, required
 * documents, labels) and the path's events; nothing here names a procedure's states. Each
 * invariant gives one result per path, in Norwegian for the auditors, naming the step at fault.
 *
 * - `no-dead-end`: the path ends with the case closed, or with a deadline pending that moves the
 *   case on when it fires (a reminder that only re-arms itself in the same state does not count:
 *   someone is reminded, but the case goes nowhere). (The generator completes every path to a
 *   closing by the procedure itself where one exists, so a path ends open only where the
 *   procedure offers no way to finish.)
 * - `required-documents`: a state's `requiredDocuments` are on file for the current stage
 *   (`stageDocumentStart`, counting the document the leaving event files itself) before a person
 *   moves the case out of it. Exceptions, each because no human decision skips the paperwork:
 *   a deadline that fires (the machine moves the case so that someone is reminded); a fact from
 *   detection (Signal, not a decision); closing because the pupil moved or the case was handed
 *   over (the school's responsibility ends; the closing note says why); acting on a suspicion of
 *   harm (raising it, reporting to or consulting child welfare: the duty to act does not wait
 *   for routine documents); an explicit escalation decision declared on an enclosing state,
 *   which is the seeds' "earlier if the school judges so" from whichever step the case is in
 *   (it files its own decision note with the reason); and leaving follow-up after improvement
 *   (stage 'monitoring') for anything but closing, because absence came back: the case reopens,
 *   and what that stage requires (the closing note) is due only when the case closes.
 * - `escalation-after-evaluation`: the case enters the 'escalated' stage (other services, the
 *   highest in meta's stage order identification < measures < evaluation < escalated) only
 *   because of an evaluation, a deadline, a documented escalation decision, or a suspicion of
 *   harm / report of concern (the seeds' explicit shortcuts: E.CW1, B.N3).
 * - `pupil-voice-before-measures` (D.2): measures or a cooperation agreement are accepted only
 *   once the pupil's voice is on file.
 * - `pupil-voice-each-round` (D.2, and each procedure's own round of measures, e.g. C.3.3b): an
 *   agreement of measures that moves the case into a measures step needs the pupil's voice filed
 *   in the current stage. `pupil-voice-before-measures` reads the case-wide flag, which stays set
 *   once the pupil was heard in an earlier round, so further measures without hearing the pupil
 *   again passed it. Further follow-up agreed after an improvement (from stage 'monitoring') is no
 *   new round: there the voice on file suffices (the Rælingen guide's D.2 says so in as many words).
 * - `required-effects`: every step that enters a state whose meta names `requiredEffects` (the
 *   notice or invitation a clause requires on entry, e.g. the school owner told when Trinn 2
 *   starts, A.T2.2) issues them, with the parameters named there; the opening too.
 * - `child-welfare-first`: while a suspicion of harm waits for child welfare (not consulted,
 *   reported to or referred to), no measure, school-nurse conversation or referral to another
 *   service is accepted (the Rælingen guide E.CW1; the national duty to report to child welfare).
 * - `bup-referral-conditions`: a BUP referral is accepted only with the guardians' consent and
 *   after municipal measures were tried and evaluated (the Rælingen guide E.BUP1).
 * - `detection-facts-taken`: every open state the case is in (after the opening and after every
 *   step) takes every new trigger and trend detection can deliver, so new absence is recorded,
 *   never refused and lost; only a closed case refuses them.
 * - `no-repeated-effect` (over the whole path): a deadline that fires issues no effect other than
 *   a reminder that was already issued since the last event; the opening and every event are new
 *   causes, a deadline is not. A reminder reminds; it does not re-send the state's messages or
 *   re-schedule its meetings.
 * - `reminder-keeps-stage`: a deadline that leaves the case in the same state does not restart
 *   the state's stage, so what was filed in it still counts.
 * - `deadline-fires` (per procedure, `checkDeadlineCoverage`): every delay the chart defines is
 *   started and fires in at least one path.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { type CaseContext, documentOf, stageDocuments } from '../machines/case-context';
import type { CaseEvent } from '../machines/events';
import type { PublicStage, StateMeta } from '../machines/meta';
import type { ProcedureDefinition } from '../machines/registry';
import { eventVariants } from './event-variants';
import { EVENT_STEP_MS, type MachineIndex, activeStatePaths, createStepper, indexMachine, metaAt } from './model';
import type { RequiredEffect } from '../machines/meta';
import { type DeclaredEffect, type Replay, replayPath } from './replay';
import { agreesMeasures, bupReferralProblem, isHarmPending, isLeavingResponsibility, isMeasureEvent } from '../machines/rule-predicates';
import type { AuditPath, InvariantResult, PathStep } from './types';

/** The per-path invariants, in report order, with a Norwegian description for the report. */
export const PATH_INVARIANTS = {
  'no-dead-end': 'Stien ender med saken avsluttet, eller med en frist som løper, så noen blir påminnet.',
  'required-documents': 'Dokumentene et steg krever, finnes før en person flytter saken videre.',
  'escalation-after-evaluation':
    'Saken løftes til andre tjenester bare etter evaluering, frist, dokumentert beslutning eller mistanke om omsorgssvikt.',
  'pupil-voice-before-measures': 'Elevens stemme er dokumentert før tiltak avtales (Udir).',
  'pupil-voice-each-round':
    'Elevens stemme er dokumentert i denne runden før en ny runde med tiltak avtales, ikke bare en gang tidligere i saken (videre oppfølging etter bedring unntatt).',
  'required-effects': 'Når saken går inn i et steg der rutinen krever en melding eller innkalling, sendes den hver gang.',
  'child-welfare-first': 'Ved mistanke om vold, overgrep eller omsorgssvikt kobles barnevernet inn før andre tiltak.',
  'bup-referral-conditions': 'Henvisning til BUP krever foresattes samtykke og at kommunale tiltak er prøvd.',
  'detection-facts-taken':
    'Hvert åpent steg tar imot nytt fravær og fraværsutvikling fra deteksjonen og registrerer dem; bare en avsluttet sak avviser dem.',
  'no-repeated-effect':
    'En frist som løper ut, gjentar ingen melding, innkalling eller annen handling uten ny grunn; bare påminnelser gjentas.',
  'reminder-keeps-stage':
    'En frist som lar saken bli i samme steg, starter ikke steget på nytt: det som er arkivert i steget, teller fortsatt.',
} as const;
export type PathInvariant = keyof typeof PATH_INVARIANTS;

/** The per-procedure invariant of `checkDeadlineCoverage`. */
export const DEADLINE_INVARIANT = 'deadline-fires';

/** Invariants a single step can break (all but those judged over a whole path). */
export type StepInvariant = Exclude<PathInvariant, 'no-dead-end' | 'no-repeated-effect'>;

export interface StepViolation {
  invariant: StepInvariant;
  message: string;
  /**
   * What identifies the fault independently of the route that showed it: the event, the state it
   * left and the shortfall (missing documents, stages, unmet conditions); for the national rules,
   * which a machine breaks wherever it accepts the event, the event and the shortfall. Mutation
   * testing compares these with the original machine's.
   */
  signature: string;
  /** Dotted path of the state the fault is about (the state left, or the state the event came to). */
  state: string;
}

type Ctx = CaseContext<unknown>;

const STAGE_RANK: Partial<Record<PublicStage, number>> = { identification: 0, measures: 1, evaluation: 2, escalated: 3 };

/** Events that may move a case up to other services (besides a deadline). */
const ESCALATION_CAUSES: readonly CaseEvent['type'][] = ['evaluation.held', 'escalation.decided', 'suspicion.raised', 'concern.reported'];

/** Events that act on a suspicion of harm; the duty to act does not wait for routine documents. */
const HARM_EVENTS: readonly CaseEvent['type'][] = ['suspicion.raised', 'concern.reported', 'childWelfare.consulted'];

/** Meta of the active leaf of a snapshot. */
function leafMeta(index: MachineIndex, snapshot: AnyMachineSnapshot): StateMeta | undefined {
  const [leaf] = activeStatePaths(snapshot.value);
  return leaf === undefined ? undefined : metaAt(index, leaf);
}

/** «Label» (path) of a state, for messages. */
function named(index: MachineIndex, path: string): string {
  const meta = metaAt(index, path);
  return meta ? `«${meta.label}» (${path})` : path;
}

function describe(step: PathStep): string {
  return step.kind === 'delay' ? `fristen ${step.delayName}` : `hendelsen ${step.event.type}${step.variant ? ` [${step.variant}]` : ''}`;
}

/** One step under check: the machine before and after it, and the transitions it took (ids of `indexMachine`). */
export interface CheckedStep {
  before: AnyMachineSnapshot;
  after: AnyMachineSnapshot;
  step: PathStep;
  taken: readonly string[];
  /** The effects the step issued. */
  effects: readonly DeclaredEffect[];
}

/** Does `effect` carry the name and every parameter `required` names? */
function meets(effect: DeclaredEffect, required: RequiredEffect): boolean {
  if (effect.name !== required.effect) return false;
  const params = (effect.params ?? {}) as Record<string, unknown>;
  return Object.entries(required.params ?? {}).every(([key, value]) => JSON.stringify(params[key]) === JSON.stringify(value));
}

const describeRequired = (required: RequiredEffect) => `${required.effect}${required.params ? ` ${JSON.stringify(required.params)}` : ''}`;

/** `required-effects`: the states entered (active after, not before) issue what their clauses require. */
function requiredEffectViolations(
  index: MachineIndex,
  before: AnyMachineSnapshot | undefined,
  after: AnyMachineSnapshot,
  effects: readonly DeclaredEffect[],
  cause: string,
): StepViolation[] {
  const was = new Set(before ? activeStatePaths(before.value) : []);
  const out: StepViolation[] = [];
  for (const path of activeStatePaths(after.value).filter((p) => !was.has(p))) {
    for (const required of metaAt(index, path)?.requiredEffects ?? []) {
      if (effects.some((effect) => meets(effect, required))) continue;
      out.push({
        invariant: 'required-effects',
        message: `${cause} førte saken inn i ${named(index, path)} uten ${describeRequired(required)}, som ${required.clause} krever.`,
        signature: `${path} | ${describeRequired(required)}`,
        state: path,
      });
    }
  }
  return out;
}

/** `pupil-voice-each-round`: agreeing measures into a measures step needs the pupil heard in this stage. */
function pupilVoiceRoundViolations(index: MachineIndex, { before, after, step }: CheckedStep): StepViolation[] {
  if (step.kind !== 'event' || !agreesMeasures(step.event) || after.status !== 'active') return [];
  const [from] = activeStatePaths(before.value);
  const [to] = activeStatePaths(after.value);
  if (to === undefined || to === from || metaAt(index, to)?.stage !== 'measures') return [];
  // Further follow-up agreed after an improvement is no new round of measures: the voice on file suffices (D.2).
  if (from !== undefined && metaAt(index, from)?.stage === 'monitoring') return [];
  const filed = new Set<string>(stageDocuments(before.context as Ctx).map((d) => d.kind));
  const own = documentOf(step.event);
  if (own) filed.add(own.kind);
  if (filed.has('pupil-voice')) return [];
  return [
    {
      invariant: 'pupil-voice-each-round',
      message: `${describe(step)} førte saken fra ${named(index, from ?? '')} til ${named(index, to)} uten at elevens stemme var dokumentert i denne runden.`,
      signature: `${step.event.type} | ${from ?? ''}`,
      state: from ?? '',
    },
  ];
}

/** What the opening breaks: states entered without what their clauses require. */
export function openingViolations(index: MachineIndex, replay: Pick<Replay, 'initial' | 'initialEffects'>): StepViolation[] {
  return requiredEffectViolations(index, undefined, replay.initial, replay.initialEffects, 'Åpningen');
}

function requiredDocumentViolations(index: MachineIndex, { before, after, step, taken }: CheckedStep): StepViolation[] {
  // Only a person's decision is held to the paperwork (see the file comment for why).
  if (step.kind !== 'event' || step.via !== 'update') return [];
  const { event } = step;
  if (isLeavingResponsibility(event) || HARM_EVENTS.includes(event.type)) return [];
  const remaining = new Set(activeStatePaths(after.value));
  const exited = activeStatePaths(before.value).filter((path) => !remaining.has(path));
  if (exited.length === 0) return [];
  if (event.type === 'escalation.decided') {
    const [leaf] = activeStatePaths(before.value);
    const sources = taken.map((id) => index.transitions.find((t) => t.id === id)?.source ?? '');
    if (sources.length > 0 && sources.every((source) => source !== leaf)) return [];
  }
  const filed = new Set<string>(stageDocuments(before.context as Ctx).map((d) => d.kind));
  const own = documentOf(event);
  if (own) filed.add(own.kind);
  const out: StepViolation[] = [];
  for (const path of exited) {
    const meta = metaAt(index, path);
    // Follow-up after improvement that ends because absence came back reopens the case: what
    // that stage requires (the closing note) is due when the case closes, not when it reopens.
    if (meta?.stage === 'monitoring' && after.status !== 'done') continue;
    const missing = (meta?.requiredDocuments ?? []).filter((kind) => !filed.has(kind));
    if (missing.length > 0) {
      out.push({
        invariant: 'required-documents',
        message: `${describe(step)} flyttet saken ut av ${named(index, path)} uten at ${missing.join(', ')} var arkivert for steget.`,
        signature: `${event.type} | ${path} | ${missing.join(',')}`,
        state: path,
      });
    }
  }
  return out;
}

function escalationViolations(index: MachineIndex, before: AnyMachineSnapshot, after: AnyMachineSnapshot, step: PathStep): StepViolation[] {
  const from = leafMeta(index, before);
  const to = leafMeta(index, after);
  if (!from || !to || to.stage !== 'escalated' || from.stage === 'escalated') return [];
  // Leaving a closed case cannot happen; from follow-up after improvement it is a relapse, judged like any step.
  if (STAGE_RANK[from.stage] === undefined && from.stage !== 'monitoring') return [];
  if (step.kind === 'delay' || ESCALATION_CAUSES.includes(step.event.type)) return [];
  return [
    {
      invariant: 'escalation-after-evaluation',
      message:
        `${describe(step)} løftet saken fra «${from.label}» (${from.stage}) til «${to.label}» (${to.stage}) ` +
        'uten evaluering, frist, dokumentert beslutning eller mistanke om omsorgssvikt.',
      signature: `${step.event.type} | ${activeStatePaths(before.value)[0] ?? ''} → ${activeStatePaths(after.value)[0] ?? ''}`,
      state: activeStatePaths(before.value)[0] ?? '',
    },
  ];
}

function nationalRuleViolations(index: MachineIndex, before: AnyMachineSnapshot, step: PathStep): StepViolation[] {
  if (step.kind !== 'event') return [];
  const { event } = step;
  const context = before.context as Ctx;
  const leaf = activeStatePaths(before.value)[0] ?? '';
  const where = leaf === '' ? '' : ` i ${named(index, leaf)}`;
  const by = event.type;
  const out: StepViolation[] = [];
  if (agreesMeasures(event) && !context.pupilVoiceRecorded) {
    out.push({
      invariant: 'pupil-voice-before-measures',
      message: `${describe(step)} ble godtatt${where} før elevens stemme var dokumentert.`,
      signature: by,
      state: leaf,
    });
  }
  if (isMeasureEvent(event) && isHarmPending(context)) {
    out.push({
      invariant: 'child-welfare-first',
      message: `${describe(step)} ble godtatt${where} mens mistanke om ${context.suspicions.join(', ')} ventet på barnevernet (ikke drøftet, meldt eller henvist).`,
      signature: by,
      state: leaf,
    });
  }
  if (event.type === 'referral.sent' && event.service === 'bup') {
    const problem = bupReferralProblem(context);
    if (problem) {
      out.push({
        invariant: 'bup-referral-conditions',
        message: `${describe(step)} til BUP ble godtatt${where} selv om ${problem}.`,
        signature: `${by} | ${problem}`,
        state: leaf,
      });
    }
  }
  return out;
}

/**
 * Built facts by time. The path generator asks for them on every edge of the model graph (about
 * a hundred thousand per procedure, again for every mutant) at far fewer distinct times, and
 * building them anew each time was a fifth of the generation's CPU time. Events are data nobody
 * changes (`snapshot.can` only reads them). Cleared when full, so memory stays bounded.
 */
const detectionFactsCache = new Map<number, readonly CaseEvent[]>();
const DETECTION_FACTS_CACHE_SIZE = 20_000;

/** Detection's facts as they arrive at `atMs`: every new-trigger and trend variant the audit builds. */
function detectionFactsAt(atMs: number): readonly CaseEvent[] {
  let facts = detectionFactsCache.get(atMs);
  if (!facts) {
    facts = [
      ...eventVariants('absence.newTrigger', atMs, 'revisjon-fravaer'),
      ...eventVariants('absence.trend', atMs, 'revisjon-trend'),
    ].map((v) => v.event);
    if (detectionFactsCache.size >= DETECTION_FACTS_CACHE_SIZE) detectionFactsCache.clear();
    detectionFactsCache.set(atMs, facts);
  }
  return facts;
}

/**
 * The open state `snapshot` refuses a fact detection delivers (a new trigger or a trend), which
 * the case would then lose: an open case must take them all and record them (issue point 1).
 */
export function refusedDetectionFacts(index: MachineIndex, snapshot: AnyMachineSnapshot, atMs: number): StepViolation[] {
  if (snapshot.status !== 'active') return [];
  const leaf = activeStatePaths(snapshot.value)[0] ?? '';
  const refused = detectionFactsAt(atMs).filter((event) => !snapshot.can(event));
  if (refused.length === 0) return [];
  const kinds = [...new Set(refused.map((e) => e.type))];
  return [
    {
      invariant: 'detection-facts-taken',
      message: `${named(index, leaf)} avviser ${kinds.join(' og ')} fra fraværsdeteksjonen, så fraværet ville gått tapt.`,
      signature: `${leaf} | ${kinds.join(',')}`,
      state: leaf,
    },
  ];
}

/** A deadline that leaves the case in the same step must not restart the step (its documents would stop counting). */
function restartedStage(index: MachineIndex, before: AnyMachineSnapshot, after: AnyMachineSnapshot, step: PathStep): StepViolation[] {
  if (step.kind !== 'delay' || after.status !== 'active') return [];
  const [from] = activeStatePaths(before.value);
  const [to] = activeStatePaths(after.value);
  if (from !== to) return [];
  const startBefore = (before.context as Ctx).stageDocumentStart;
  const startAfter = (after.context as Ctx).stageDocumentStart;
  if (startBefore === startAfter) return [];
  return [
    {
      invariant: 'reminder-keeps-stage',
      message: `${describe(step)} lot saken bli i ${named(index, from ?? '')}, men startet steget på nytt: ${startAfter - startBefore} arkiverte dokumenter teller ikke lenger for steget.`,
      signature: `${step.delayName} | ${from ?? ''}`,
      state: from ?? '',
    },
  ];
}

/** Time of a step on the model's clock. */
const stepTimeMs = (step: PathStep): number => Date.parse(step.kind === 'event' ? step.event.at : step.dueAt);

/**
 * What one step breaks: the step took the machine from `before` to `after` by the transitions
 * `taken` (a replayed step is one). Used on replayed paths and, by the path generator, on every edge of the model graph.
 */
export function stepViolations(index: MachineIndex, checked: CheckedStep): StepViolation[] {
  const { before, after, step } = checked;
  return [
    ...requiredDocumentViolations(index, checked),
    ...requiredEffectViolations(index, before, after, checked.effects, describe(step)),
    ...pupilVoiceRoundViolations(index, checked),
    ...escalationViolations(index, before, after, step),
    ...nationalRuleViolations(index, before, step),
    ...refusedDetectionFacts(index, after, stepTimeMs(step) + EVENT_STEP_MS),
    ...restartedStage(index, before, after, step),
  ];
}

/** Identity of an effect for comparing repeats: its name and its parameters. */
const effectKey = (e: DeclaredEffect): string => `${e.name} ${JSON.stringify(e.params)}`;

/**
 * `no-repeated-effect` over a whole path: an effect other than a reminder is not issued again by
 * a deadline unless something new happened (an event) since it was last issued. The opening and
 * every event are new causes; a deadline that fires is not.
 */
function repeatedEffect(index: MachineIndex, replay: Replay): InvariantResult {
  let sinceCause = new Set(replay.initialEffects.map(effectKey));
  for (const step of replay.steps) {
    const keys = step.effects.filter((e) => e.name !== 'remindResponsible').map(effectKey);
    if (step.step.kind === 'event') {
      sinceCause = new Set(keys);
      continue;
    }
    const repeated = keys.find((key) => sinceCause.has(key));
    if (repeated) {
      const [leaf] = activeStatePaths(step.after.value);
      return {
        invariant: 'no-repeated-effect',
        passed: false,
        message: `Steg ${step.index + 1}: ${describe(step.step)} gjentok ${repeated} i ${named(index, leaf ?? '')} uten at noe nytt hadde skjedd siden sist.`,
        stepIndex: step.index,
      };
    }
    for (const key of keys) sinceCause.add(key);
  }
  return { invariant: 'no-repeated-effect', passed: true, message: PATH_INVARIANTS['no-repeated-effect'] };
}

/**
 * `no-dead-end`: the path ends closed, or with a deadline pending that moves the case on when it
 * fires. A reminder that only re-arms itself in the same state does not: someone is reminded,
 * but if nothing else can happen the procedure can no longer be finished.
 */
function deadEnd(machine: AnyStateMachine, replay: Replay): InvariantResult {
  const index = replay.index;
  const last = replay.steps[replay.steps.length - 1];
  const snapshot = last ? last.after : replay.initial;
  const timers = last ? last.timers : replay.initialTimers;
  const [leaf] = activeStatePaths(snapshot.value);
  const where = leaf === undefined ? '(ukjent)' : named(index, leaf);
  if (snapshot.status === 'done') return { invariant: 'no-dead-end', passed: true, message: `Stien ender med saken avsluttet i ${where}.` };
  const [next] = timers;
  if (next) {
    const fired = createStepper(machine).next(snapshot, next.event).snapshot;
    if (fired.status === 'done' || activeStatePaths(fired.value)[0] !== leaf) {
      return { invariant: 'no-dead-end', passed: true, message: `Stien ender i ${where} med fristen ${next.name} løpende.` };
    }
    return {
      invariant: 'no-dead-end',
      passed: false,
      message: `Stien ender i ${where}, der bare påminnelsen ${next.name} gjentas: saken blir stående, og rutinen har ingen vei videre til avslutning.`,
      ...(last ? { stepIndex: last.index } : {}),
    };
  }
  return {
    invariant: 'no-dead-end',
    passed: false,
    message: `Stien ender i ${where} uten frist: saken kan bli liggende uten at noen blir påminnet, og rutinen har ingen vei videre til avslutning.`,
    ...(last ? { stepIndex: last.index } : {}),
  };
}

/** Judges one path against every per-path invariant on `procedure`'s machine (which may be a mutant's). */
export function checkInvariants(path: AuditPath, procedure: ProcedureDefinition): InvariantResult[] {
  const replay = replayPath(procedure, path);
  const index = replay.index;
  const violations = new Map<StepInvariant, { message: string; stepIndex: number }[]>();
  for (const v of [
    ...refusedDetectionFacts(index, replay.initial, Date.parse(path.facts.openedAt) + EVENT_STEP_MS),
    ...openingViolations(index, replay),
  ]) {
    violations.set(v.invariant, [...(violations.get(v.invariant) ?? []), { message: v.message, stepIndex: -1 }]);
  }
  for (const step of replay.steps) {
    for (const v of stepViolations(index, step)) {
      violations.set(v.invariant, [...(violations.get(v.invariant) ?? []), { message: v.message, stepIndex: step.index }]);
    }
  }
  const results: InvariantResult[] = [];
  if (replay.error) {
    results.push({
      invariant: 'path-replays',
      passed: false,
      message: `Stien kan ikke spilles av på maskinen: steg ${replay.error.stepIndex + 1}: ${replay.error.message}.`,
      stepIndex: replay.error.stepIndex,
    });
  }
  for (const invariant of Object.keys(PATH_INVARIANTS) as PathInvariant[]) {
    if (invariant === 'no-dead-end' || invariant === 'no-repeated-effect') {
      const judged = () => (invariant === 'no-dead-end' ? deadEnd(procedure.machine, replay) : repeatedEffect(index, replay));
      results.push(replay.error ? { invariant, passed: false, message: 'Ikke vurdert: stien kan ikke spilles av.' } : judged());
      continue;
    }
    const found = violations.get(invariant) ?? [];
    const [first] = found;
    results.push(
      first
        ? {
            invariant,
            passed: false,
            message: `${first.stepIndex < 0 ? 'Åpningen' : `Steg ${first.stepIndex + 1}`}: ${first.message}${found.length > 1 ? ` (${found.length - 1} brudd til på stien)` : ''}`,
            ...(first.stepIndex >= 0 ? { stepIndex: first.stepIndex } : {}),
          }
        : { invariant, passed: true, message: PATH_INVARIANTS[invariant] },
    );
  }
  return results;
}

/**
 * Per procedure: every delay the chart defines (every `after`) is started and fires in at least
 * one of `paths`, replayed on `procedure`'s machine. One result per delay, and one failed result
 * for a delay the setup defines but no state uses.
 */
export function checkDeadlineCoverage(procedure: ProcedureDefinition, paths: readonly AuditPath[]): InvariantResult[] {
  const index = indexMachine(procedure.machine);
  const used = [...new Set(index.transitions.filter((t) => t.event.startsWith('after:')).map((t) => t.event.slice('after:'.length)))];
  const defined = Object.keys((procedure.machine.implementations?.delays ?? {}) as Record<string, unknown>);
  const started = new Set<string>();
  const fired = new Map<string, string>();
  for (const path of paths) {
    const replay = replayPath(procedure, path);
    for (const timer of replay.initialTimers) started.add(timer.name);
    for (const step of replay.steps) {
      for (const timer of step.timers) started.add(timer.name);
      if (step.step.kind === 'delay' && !fired.has(step.step.delayName)) fired.set(step.step.delayName, path.id);
    }
  }
  const results: InvariantResult[] = used.map((name) => {
    const firedIn = fired.get(name);
    if (firedIn) return { invariant: DEADLINE_INVARIANT, passed: true, message: `Fristen ${name} settes og løper ut (${firedIn}).` };
    return {
      invariant: DEADLINE_INVARIANT,
      passed: false,
      message: started.has(name)
        ? `Fristen ${name} settes, men løper aldri ut på noen sti: en tidligere frist eller hendelse kommer alltid først.`
        : `Fristen ${name} settes aldri på noen sti: tilstanden som starter den, nås ikke.`,
    };
  });
  for (const name of defined.filter((d) => !used.includes(d))) {
    results.push({ invariant: DEADLINE_INVARIANT, passed: false, message: `Fristen ${name} er definert, men ingen tilstand bruker den.` });
  }
  return results;
}

/** One fault the invariants found, with every path that shows it. */
export interface Finding {
  invariant: string;
  /** Identifies the fault across routes (see `StepViolation.signature`). */
  signature: string;
  /** Norwegian explanation from the first path that shows it. */
  message: string;
  /** Dotted path of the state the fault is about, where there is one. */
  state?: string;
  pathIds: string[];
}

/** One fault one replayed path shows (see `Finding`). */
export interface PathFinding {
  invariant: string;
  signature: string;
  message: string;
  state?: string;
}

/**
 * The faults one path shows, replayed (`replay`) on `procedure`'s machine: the opening's and every
 * step's violations, the step the machine refused ('path-replays'), and a dead end.
 */
export function replayFindings(
  procedure: ProcedureDefinition,
  path: AuditPath,
  replay: Replay,
  /** Which steps to judge (default all): the mutation check skips steps it knows judge as the original's. */
  judged: (step: Replay['steps'][number]) => boolean = () => true,
): PathFinding[] {
  const out: PathFinding[] = [];
  for (const v of openingViolations(replay.index, replay)) out.push(v);
  for (const step of replay.steps.filter(judged)) {
    for (const v of stepViolations(replay.index, step)) out.push({ ...v, message: `Steg ${step.index + 1}: ${v.message}` });
  }
  if (replay.error) {
    out.push({
      invariant: 'path-replays',
      signature: replay.error.message,
      message: `Steg ${replay.error.stepIndex + 1}: ${replay.error.message}`,
    });
    return out;
  }
  const end = deadEnd(procedure.machine, replay);
  if (!end.passed) {
    const last = replay.steps[replay.steps.length - 1];
    const state = activeStatePaths((last ? last.after : replay.initial).value)[0] ?? '';
    out.push({ invariant: 'no-dead-end', signature: state, message: end.message, state });
  }
  return out;
}

/**
 * Every distinct fault `paths` show on `procedure`'s machine: step violations, dead ends, paths
 * the machine refuses, and delays that never fire. Faults are told apart by invariant and
 * signature, so a fault shown by many paths is one finding.
 */
export function collectFindings(procedure: ProcedureDefinition, paths: readonly AuditPath[]): Finding[] {
  const found = new Map<string, Finding>();
  const add = (invariant: string, signature: string, message: string, pathId: string, state?: string) => {
    const key = `${invariant}\u0000${signature}`;
    const existing = found.get(key);
    if (existing) {
      if (!existing.pathIds.includes(pathId)) existing.pathIds.push(pathId);
    } else {
      found.set(key, { invariant, signature, message, ...(state !== undefined ? { state } : {}), pathIds: [pathId] });
    }
  };
  for (const path of paths) {
    for (const f of replayFindings(procedure, path, replayPath(procedure, path)))
      add(f.invariant, f.signature, f.message, path.id, f.state);
  }
  for (const result of checkDeadlineCoverage(procedure, paths)) {
    if (!result.passed) add(result.invariant, result.message, result.message, `${procedure.id}/*`);
  }
  return [...found.values()];
}
