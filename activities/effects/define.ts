/**
 * The activity half of an effect module: the validated input (the case reference every effect
 * carries plus the effect's own parameters as the machines declare them), the result the case
 * records on its timeline, and `defineEffectActivity`, which wraps a module's handler with the zod
 * check at the activity boundary. A bad input is a non-retryable failure (retrying cannot fix it);
 * a transport error is retried by Temporal under the effect's delivery policy.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { EffectDefinition } from '../../machines/effects';
import { describeIssues, parseOptions } from '../../machines/zod-issues';
import { INVALID_ACTIVITY_INPUT } from '../../workflows/activity-errors';
import type { Role } from '../../machines/vocabulary';
import { type MessageTemplateKey, renderMessage } from '../../messages/templates';
import type { PersonDelivery, UnreachedRole } from '../../workflows/case-messages';
import { type MeetingEntry, type MessageRouting, routeMessage } from '../message-routing';
import type { DeliveryReceipt, Outbox, OutboxChannel, OutboxMessage } from '../outbox';

const caseRefSchema = z.object({
  /** `<workflow id>/<effect sequence>/<effect name>`: stable across retries and continue-as-new. */
  idempotencyKey: z.string().trim().min(1, 'idempotencyKey must not be empty'),
  caseId: z.string().trim().min(1),
  procedureId: z.string().trim().min(1),
  schoolId: z.string().trim().min(1),
  pupilId: z.string().trim().min(1),
  /** Workflow time when the effect was issued (ISO), so messages carry the case's own clock. */
  issuedAt: z.iso.datetime({ offset: true }),
  /** When the fact behind the effect happened (default: issuedAt); limits count from it. */
  factAt: z.iso.datetime({ offset: true }).optional(),
});
/** The case an effect belongs to, its idempotency key and its times: what every effect's input carries. */
export type CaseRef = z.infer<typeof caseRefSchema>;

/** The zod schema of an effect's activity input. */
export const effectInputSchema = <S extends z.ZodType>(params: S) => caseRefSchema.extend({ params });
/** An effect's activity input, typed for the workflow's call and checked again by zod in the activity. */
export type EffectInput<S extends z.ZodType> = CaseRef & { params: z.infer<S> };

/** What an effect activity answers: the receipt and what was sent to whom, for the case's timeline. */
export interface EffectDelivery extends DeliveryReceipt {
  /** The Norwegian subject as the recipients read it. */
  subject: string;
  /** Roles the message went to. */
  recipients: readonly string[];
  /** With a people directory: each person reached (pseudonymous id), the channel and the outcome. */
  deliveries?: PersonDelivery[];
  /** With a people directory: roles that reached nobody, and why. */
  unreached?: UnreachedRole[];
}

/**
 * What effect handlers may use; the worker, the tests and the audit build it with
 * createWorkerActivities. With `routing` (the worker's people directory and transports) messages
 * go to people; without it (tests of the case flow, the audit) one outbox message per effect,
 * addressed to its roles.
 */
export interface EffectDependencies {
  outbox: Outbox;
  routing?: MessageRouting;
}

/** An outbox message for the case `input` refers to. */
export function caseMessage(
  input: EffectInput<z.ZodType>,
  fields: Omit<OutboxMessage, 'idempotencyKey' | 'caseId' | 'schoolId' | 'pupilId' | 'createdAt'>,
): OutboxMessage {
  return {
    idempotencyKey: input.idempotencyKey,
    caseId: input.caseId,
    schoolId: input.schoolId,
    pupilId: input.pupilId,
    createdAt: input.issuedAt,
    ...fields,
  };
}

/** Delivers `message` through the outbox and answers what the case records. */
export async function deliverMessage(outbox: Outbox, message: OutboxMessage): Promise<EffectDelivery> {
  const receipt = await outbox.deliver(message);
  return { ...receipt, subject: message.subject, recipients: message.recipients };
}

/** What an effect's message is: channel, the roles it is for, its template, and a meeting's calendar entry. */
export interface CaseMessageSpec {
  channel: OutboxChannel;
  /** The roles the message is for, as the case records them. */
  recipients: readonly Role[];
  /** The roles whose people receive it, when fewer than `recipients` (a call to set up a meeting goes to the staff among its participants). */
  sendTo?: readonly Role[];
  template: MessageTemplateKey;
  meeting?: MeetingEntry;
  /** For a calendar entry: the latest date the meeting should be held (yyyy-MM-dd). */
  dueDate?: string;
}

/** The bokmål wording of a message to roles (no people directory): names only the school and the case. */
export function roleMessageWording(spec: CaseMessageSpec, input: CaseRef): { subject: string; body: string } {
  const rendered = renderMessage(spec.template, 'nb', {
    schoolName: input.schoolId,
    contact: { name: 'skolen' },
    caseReference: input.caseId,
  });
  return { subject: rendered.title, body: rendered.text };
}

/** Sends the message `spec` describes for the case `input` refers to: to people when routing is given, else to the outbox by role. */
export async function sendCaseMessage(
  input: EffectInput<z.ZodType>,
  spec: CaseMessageSpec,
  deps: EffectDependencies,
): Promise<EffectDelivery> {
  if (!deps.routing) {
    const wording = roleMessageWording(spec, input);
    return deliverMessage(
      deps.outbox,
      caseMessage(input, {
        channel: spec.channel,
        recipients: spec.recipients,
        ...wording,
        ...(spec.dueDate ? { dueDate: spec.dueDate } : {}),
      }),
    );
  }
  const routed = await routeMessage(deps.routing, input, {
    channel: spec.channel,
    roles: spec.sendTo ?? spec.recipients,
    template: spec.template,
    ...(spec.meeting ? { meeting: spec.meeting } : {}),
  });
  return {
    idempotencyKey: input.idempotencyKey,
    deliveredAt: new Date().toISOString(),
    duplicate: routed.deliveries.length > 0 && routed.deliveries.every((d) => d.duplicate === true),
    subject: routed.subject,
    recipients: spec.recipients,
    deliveries: routed.deliveries,
    unreached: routed.unreached,
  };
}

/** The activity half of one effect: its definition, its input schema and the activity built from dependencies. */
export interface EffectActivityModule<N extends string, S extends z.ZodType> {
  definition: EffectDefinition<N, S>;
  input: ReturnType<typeof effectInputSchema<S>>;
  create(deps: EffectDependencies): (input: EffectInput<S>) => Promise<EffectDelivery>;
}

/** Validates `input` against `schema`; a bad input fails without retries, naming the fields in Norwegian. */
export function parseActivityInput<S extends z.ZodType>(schema: S, input: unknown, activity: string): z.infer<S> {
  const result = schema.safeParse(input, parseOptions);
  if (!result.success) {
    const fields = describeIssues(result.error, '(inndata)', input).join('; ');
    throw ApplicationFailure.nonRetryable(`Ugyldige inndata til ${activity}: ${fields}`, INVALID_ACTIVITY_INPUT);
  }
  return result.data;
}

/**
 * The activity for `definition`: `handle` gets the input zod-checked (the workflow's call is typed,
 * but a history, a hand-started activity or an older run may still send anything).
 */
export function defineEffectActivity<N extends string, S extends z.ZodType>(
  definition: EffectDefinition<N, S>,
  handle: (input: EffectInput<S>, deps: EffectDependencies) => Promise<EffectDelivery>,
): EffectActivityModule<N, S> {
  const input = effectInputSchema(definition.params);
  return {
    definition,
    input,
    create: (deps) => async (raw) => handle(parseActivityInput(input, raw, definition.name) as EffectInput<S>, deps),
  };
}

/**
 * The activity of an effect that sends one message about the case (every effect so far): `message`
 * says from the zod-checked input what it is (channel, roles, template, meeting), and the activity
 * sends it (sendCaseMessage) and answers what the case records.
 */
export function defineMessageActivity<N extends string, S extends z.ZodType>(
  definition: EffectDefinition<N, S>,
  message: (input: EffectInput<S>) => CaseMessageSpec,
): EffectActivityModule<N, S> {
  return defineEffectActivity(definition, (input, deps) => sendCaseMessage(input, message(input), deps));
}
