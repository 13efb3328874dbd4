/**
 * Parses the case CLI's command line into a validated command. Pure (no I/O), so every
 * refusal message can be tested; each names the option that was wrong.
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { parseCaseEvent, type CaseEvent } from '../machines/events';
import { roleSchema, triggerRuleSchema, type TriggerRule } from '../machines/vocabulary';

export type CliCommand =
  | { kind: 'procedures'; json: boolean }
  | {
      kind: 'open';
      json: boolean;
      procedureId: string;
      version?: number;
      schoolId: string;
      pupilId: string;
      grade: number;
      caseId: string;
      trigger: { rule: TriggerRule; dates: string[]; days?: number; lessons?: number };
      policyOverrides?: Record<string, unknown>;
    }
  | { kind: 'send'; json: boolean; workflowId: string; event: CaseEvent; asSignal: boolean }
  | { kind: 'show'; json: boolean; workflowId: string }
  | { kind: 'list'; json: boolean; schoolId?: string; status?: 'open' | 'closed' }
  | { kind: 'help' };

/** A command line the CLI cannot run; the message says what to fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Bruk: npm run case -- <kommando> [valg]

Kommandoer:
  procedures                          vis rutinene som kan brukes
  open --procedure ID --school S --pupil P --grade N --rule REGEL --dates D1,D2,...
       [--version N] [--case-id ID] [--days N] [--lessons N] [--policy JSON]
                                      åpne en fraværssak
  send (--case WORKFLOW-ID | --school S --pupil P) --type HENDELSE --role ROLLE --user BRUKER
       [--data JSON] [--event-id ID] [--at ISO-TID] [--signal]
                                      registrer en hendelse i saken
  show (--case WORKFLOW-ID | --school S --pupil P)
                                      vis saken: status, ansvar, frister, historikk og dokumenter
  list [--school S] [--status open|closed]
                                      list saker
Felles valg: --json (maskinlesbar utskrift), --help`;

const options = {
  procedure: { type: 'string' },
  version: { type: 'string' },
  school: { type: 'string' },
  pupil: { type: 'string' },
  grade: { type: 'string' },
  'case-id': { type: 'string' },
  rule: { type: 'string' },
  dates: { type: 'string' },
  days: { type: 'string' },
  lessons: { type: 'string' },
  policy: { type: 'string' },
  case: { type: 'string' },
  type: { type: 'string' },
  role: { type: 'string' },
  user: { type: 'string' },
  data: { type: 'string' },
  'event-id': { type: 'string' },
  at: { type: 'string' },
  signal: { type: 'boolean' },
  status: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

type Values = Record<string, string | boolean | undefined>;

function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`Mangler --${name}.\n\n${USAGE}`);
  return value.trim();
}

function wholeNumber(values: Values, name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} må være et heltall fra ${min} til ${max} (fikk «${String(raw)}»).`);
  return n;
}

function jsonObject(values: Values, name: string): Record<string, unknown> | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch (err) {
    throw new UsageError(`--${name} er ikke gyldig JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--${name} må være et JSON-objekt.`);
  return parsed as Record<string, unknown>;
}

/** The workflow id from --case, or derived from --school and --pupil. */
function caseTarget(values: Values, workflowIdOf: (school: string, pupil: string) => string): string {
  if (typeof values.case === 'string' && values.case.trim()) return values.case.trim();
  if (typeof values.school === 'string' && typeof values.pupil === 'string') return workflowIdOf(values.school.trim(), values.pupil.trim());
  throw new UsageError('Oppgi saken med --case WORKFLOW-ID eller med --school og --pupil.');
}

/**
 * Parses `argv` (without node and script). `now` and `newId` are injected so tests are exact.
 */
export function parseCli(
  argv: readonly string[],
  deps: { now: () => string; newId?: () => string; workflowIdOf: (school: string, pupil: string) => string },
): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed as { values: Values; positionals: string[] };
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return { kind: 'help' };
  if (rest.length > 0) throw new UsageError(`Ukjent argument: ${rest.join(' ')}\n\n${USAGE}`);
  const json = values.json === true;

  switch (command) {
    case 'procedures':
      return { kind: 'procedures', json };
    case 'open': {
      const rule = triggerRuleSchema.safeParse(required(values, 'rule'));
      if (!rule.success) throw new UsageError(`--rule må være en av: ${triggerRuleSchema.options.join(', ')}.`);
      const dates = required(values, 'dates').split(',').map((d) => d.trim()).filter(Boolean);
      const days = wholeNumber(values, 'days', 0, 400);
      const lessons = wholeNumber(values, 'lessons', 0, 5000);
      const version = wholeNumber(values, 'version', 1, 1000);
      const policyOverrides = jsonObject(values, 'policy');
      const schoolId = required(values, 'school');
      const pupilId = required(values, 'pupil');
      const grade = wholeNumber(values, 'grade', 1, 13);
      if (grade === undefined) throw new UsageError('Mangler --grade (trinn 1–13).');
      return {
        kind: 'open',
        json,
        procedureId: required(values, 'procedure'),
        ...(version !== undefined ? { version } : {}),
        schoolId,
        pupilId,
        grade,
        caseId: typeof values['case-id'] === 'string' ? values['case-id'] : `${schoolId}-${pupilId}-${deps.now().slice(0, 10)}`,
        trigger: { rule: rule.data, dates, ...(days !== undefined ? { days } : {}), ...(lessons !== undefined ? { lessons } : {}) },
        ...(policyOverrides ? { policyOverrides } : {}),
      };
    }
    case 'send': {
      const workflowId = caseTarget(values, deps.workflowIdOf);
      const role = roleSchema.safeParse(required(values, 'role'));
      if (!role.success) throw new UsageError(`--role må være en av: ${roleSchema.options.join(', ')}.`);
      const data = jsonObject(values, 'data') ?? {};
      let event: CaseEvent;
      try {
        event = parseCaseEvent({
          ...data,
          type: required(values, 'type'),
          eventId: typeof values['event-id'] === 'string' ? values['event-id'] : (deps.newId ?? randomUUID)(),
          actor: { role: role.data, userId: required(values, 'user') },
          at: typeof values.at === 'string' ? values.at : deps.now(),
        });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      return { kind: 'send', json, workflowId, event, asSignal: values.signal === true };
    }
    case 'show':
      return { kind: 'show', json, workflowId: caseTarget(values, deps.workflowIdOf) };
    case 'list': {
      const status = values.status;
      if (status !== undefined && status !== 'open' && status !== 'closed') throw new UsageError('--status må være open eller closed.');
      return {
        kind: 'list',
        json,
        ...(typeof values.school === 'string' ? { schoolId: values.school } : {}),
        ...(status ? { status } : {}),
      };
    }
    default:
      throw new UsageError(`Ukjent kommando «${command}».\n\n${USAGE}`);
  }
}
