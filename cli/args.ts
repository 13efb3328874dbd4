/**
 * Parses the case CLI's command line into a validated command. Pure (no I/O), so every
 * refusal message can be tested; each names the option that was wrong and the value given.
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { detectionEventTypes } from '../machines/authorization';
import { parseCaseEvent, type CaseEvent, type EventType, eventTypes } from '../machines/events';
import { gradeSchema, pupilIdSchema, quoteValue, schoolIdSchema } from '../machines/identifiers';
import { roleSchema, triggerRuleSchema, type TriggerRule } from '../machines/vocabulary';
import { exitCodeMeanings } from '../app/exit-codes';
import { PENDING_ARCHIVE_REFERENCE, documentRefField } from '../casework/file-document';

/** How `list` orders the cases. */
export type ListOrder = 'deadline' | 'overdue' | 'opened';

export type CliCommand =
  | { kind: 'procedures'; json: boolean }
  | {
      kind: 'open';
      json: boolean;
      /** Omitted: the school's procedure from the school directory. */
      procedureId?: string;
      version?: number;
      schoolId: string;
      pupilId: string;
      grade: number;
      caseId: string;
      trigger: { rule: TriggerRule; dates: string[]; days?: number; lessons?: number };
      schoolsConfig?: string;
    }
  | {
      kind: 'send';
      json: boolean;
      workflowId: string;
      event: CaseEvent;
      asSignal: boolean;
      /** A JSON file with the document the event files (fields, participants): rendered, archived, its reference sent. */
      document?: string;
    }
  | { kind: 'show'; json: boolean; workflowId: string }
  | {
      kind: 'list';
      json: boolean;
      schoolId?: string;
      procedureId?: string;
      status?: 'open' | 'closed';
      overdue: boolean;
      /** Only cases whose next deadline is within this many days (overdue ones included). */
      dueWithinDays?: number;
      order: ListOrder;
    }
  | { kind: 'help' };

/** A command line the CLI cannot run; the message says what to fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Bruk: npm run case -- <kommando> [valg]

Kommandoer:
  procedures                          vis rutinene som kan brukes
  open --school S --pupil P --grade N --rule REGEL --dates D1,D2,...
       [--procedure ID] [--version N] [--case-id ID] [--days N] [--lessons N] [--schools-config FIL]
                                      åpne en fraværssak; skolen må stå i skolekatalogen, og saken
                                      følger skolens rutine og kommunens tilpasninger
  send (--case SAK | --school S --pupil P) --type HENDELSE --role ROLLE --user BRUKER
       [--data JSON] [--event-id ID] [--at ISO-TID] [--signal] [--document FIL]
                                      registrer en hendelse i saken (--signal: bare fravær fra
                                      fraværsdeteksjonen: ${detectionEventTypes.join(', ')});
                                      --document: lag dokumentet hendelsen krever fra FIL (JSON med
                                      «fields» og «participants», docs/documents.md), arkiver det og
                                      send hendelsen med arkivreferansen
  show (--case SAK | --school S --pupil P)
                                      vis saken: steg, ansvar, frister, utløsere, historikk og dokumenter
  list [--school S] [--procedure ID] [--status open|closed] [--overdue] [--due-within DAGER]
       [--sort deadline|overdue|opened]
                                      list saker, sortert etter neste frist (standard)
Felles valg: --json (maskinlesbar utskrift), --help

Avslutningskoder:
${Object.entries(exitCodeMeanings)
  .map(([code, meaning]) => `  ${code.padStart(2)}  ${meaning}`)
  .join('\n')}`;

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
  'schools-config': { type: 'string' },
  case: { type: 'string' },
  type: { type: 'string' },
  role: { type: 'string' },
  user: { type: 'string' },
  data: { type: 'string' },
  'event-id': { type: 'string' },
  at: { type: 'string' },
  signal: { type: 'boolean' },
  document: { type: 'string' },
  status: { type: 'string' },
  overdue: { type: 'boolean' },
  'due-within': { type: 'string' },
  sort: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

type Values = Record<string, string | boolean | undefined>;

/** The option's text, trimmed; undefined when it is missing or blank. */
function optional(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The option's text, trimmed; a missing or blank one is refused. */
function required(values: Values, name: string): string {
  const value = optional(values, name);
  if (value === undefined) throw new UsageError(`Mangler --${name}.\n\n${USAGE}`);
  return value;
}

function wholeNumber(values: Values, name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} må være et heltall fra ${min} til ${max} (fikk ${quoteValue(raw)}).`);
  return n;
}

function jsonObject(values: Values, name: string): Record<string, unknown> | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch (err) {
    throw new UsageError(`--${name} er ikke gyldig JSON (${(err as Error).message}): ${quoteValue(raw)}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`--${name} må være et JSON-objekt (fikk ${quoteValue(raw)}).`);
  return parsed as Record<string, unknown>;
}

/** A value checked by one of the identifier schemas; the schema's message names it and the value. */
function checked<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } },
  value: unknown,
  option: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`--${option}: ${result.error.issues.map((i) => i.message).join('; ')}.`);
  return result.data;
}

/** The workflow id from --case, or derived from --school and --pupil (both checked). */
function caseTarget(values: Values, workflowIdOf: (school: string, pupil: string) => string): string {
  const byCase = optional(values, 'case');
  if (byCase) return byCase;
  const school = optional(values, 'school');
  const pupil = optional(values, 'pupil');
  if (school !== undefined && pupil !== undefined)
    return workflowIdOf(checked(schoolIdSchema, school, 'school'), checked(pupilIdSchema, pupil, 'pupil'));
  throw new UsageError('Oppgi saken med --case SAK eller med --school og --pupil.');
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
    const unknown = /'(--?[^']+)'/.exec((err as Error).message)?.[1];
    throw new UsageError(
      `${unknown ? `Ukjent valg ${quoteValue(unknown)}` : `Ugyldig kommandolinje: ${(err as Error).message}`}.\n\n${USAGE}`,
    );
  }
  const { values, positionals } = parsed as { values: Values; positionals: string[] };
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return { kind: 'help' };
  if (rest.length > 0) throw new UsageError(`Ukjent argument: ${quoteValue(rest.join(' '))}.\n\n${USAGE}`);
  const json = values.json === true;

  switch (command) {
    case 'procedures':
      return { kind: 'procedures', json };
    case 'open': {
      const rawRule = required(values, 'rule');
      const rule = triggerRuleSchema.safeParse(rawRule);
      if (!rule.success)
        throw new UsageError(`--rule må være en av: ${triggerRuleSchema.options.join(', ')} (fikk ${quoteValue(rawRule)}).`);
      const dates = required(values, 'dates')
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean);
      const days = wholeNumber(values, 'days', 0, 400);
      const lessons = wholeNumber(values, 'lessons', 0, 5000);
      const version = wholeNumber(values, 'version', 1, 1000);
      const schoolId = checked(schoolIdSchema, required(values, 'school'), 'school');
      const pupilId = checked(pupilIdSchema, required(values, 'pupil'), 'pupil');
      const rawGrade = required(values, 'grade');
      const grade = checked(gradeSchema, /^-?\d+(\.\d+)?$/.test(rawGrade) ? Number(rawGrade) : rawGrade, 'grade');
      const procedureId = optional(values, 'procedure');
      const schoolsConfig = optional(values, 'schools-config');
      return {
        kind: 'open',
        json,
        ...(procedureId !== undefined ? { procedureId } : {}),
        ...(version !== undefined ? { version } : {}),
        schoolId,
        pupilId,
        grade,
        caseId: optional(values, 'case-id') ?? `${schoolId}-${pupilId}-${deps.now().slice(0, 10)}`,
        trigger: { rule: rule.data, dates, ...(days !== undefined ? { days } : {}), ...(lessons !== undefined ? { lessons } : {}) },
        ...(schoolsConfig !== undefined ? { schoolsConfig } : {}),
      };
    }
    case 'send': {
      const workflowId = caseTarget(values, deps.workflowIdOf);
      const rawRole = required(values, 'role');
      const role = roleSchema.safeParse(rawRole);
      if (!role.success) throw new UsageError(`--role må være en av: ${roleSchema.options.join(', ')} (fikk ${quoteValue(rawRole)}).`);
      const type = required(values, 'type');
      if (!(eventTypes as string[]).includes(type))
        throw new UsageError(`--type må være en av: ${eventTypes.join(', ')} (fikk ${quoteValue(type)}).`);
      const asSignal = values.signal === true;
      if (asSignal && !(detectionEventTypes as string[]).includes(type)) {
        throw new UsageError(
          `--signal er bare for fravær fra fraværsdeteksjonen (${detectionEventTypes.join(', ')}); «${type}» er en persons registrering og sendes uten --signal.`,
        );
      }
      const data = jsonObject(values, 'data') ?? {};
      const document = optional(values, 'document');
      const refField = documentRefField(type as EventType);
      if (document !== undefined && (asSignal || !refField))
        throw new UsageError(`--document gjelder bare hendelser med et dokument; «${type}» har ikke noe dokument å arkivere.`);
      let event: CaseEvent;
      try {
        event = parseCaseEvent({
          // The archive's reference replaces this once the document is filed.
          ...(document !== undefined && refField ? { [refField]: PENDING_ARCHIVE_REFERENCE } : {}),
          ...data,
          type,
          eventId: optional(values, 'event-id') ?? (deps.newId ?? randomUUID)(),
          actor: { role: role.data, userId: required(values, 'user') },
          at: optional(values, 'at') ?? deps.now(),
        });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      return { kind: 'send', json, workflowId, event, asSignal, ...(document !== undefined ? { document } : {}) };
    }
    case 'show':
      return { kind: 'show', json, workflowId: caseTarget(values, deps.workflowIdOf) };
    case 'list': {
      const status = values.status;
      if (status !== undefined && status !== 'open' && status !== 'closed')
        throw new UsageError(`--status må være open eller closed (fikk ${quoteValue(status)}).`);
      const order = values.sort ?? 'deadline';
      if (order !== 'deadline' && order !== 'overdue' && order !== 'opened')
        throw new UsageError(`--sort må være deadline, overdue eller opened (fikk ${quoteValue(order)}).`);
      const school = optional(values, 'school');
      const procedureId = optional(values, 'procedure');
      const dueWithinDays = wholeNumber(values, 'due-within', 0, 3650);
      return {
        kind: 'list',
        json,
        ...(school !== undefined ? { schoolId: checked(schoolIdSchema, school, 'school') } : {}),
        ...(procedureId !== undefined ? { procedureId } : {}),
        ...(status ? { status } : {}),
        overdue: values.overdue === true,
        ...(dueWithinDays !== undefined ? { dueWithinDays } : {}),
        order,
      };
    }
    default:
      throw new UsageError(`Ukjent kommando ${quoteValue(command)}.\n\n${USAGE}`);
  }
}
