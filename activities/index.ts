/**
 * The activities behind every declared effect. Built by `createActivities(deps)` so the worker
 * injects the real outbox and tests inject their own. Each activity validates its one input
 * object, words the message in Norwegian and delivers it idempotently by key; a bad input is a
 * non-retryable failure (retrying cannot fix it), a transport error is retried by Temporal.
 */
import { ApplicationFailure } from '@temporalio/common';
import { addDays } from 'date-fns';
import type { z } from 'zod';
import type { DeliveryReceipt, Outbox, OutboxMessage } from './outbox';
import {
  informSchoolOwnerInput,
  notifyGuardiansInput,
  notifyStaffInput,
  remindResponsibleInput,
  requestDocumentInput,
  scheduleMeetingInput,
} from './inputs';
import { documentNames, meetingNames, roleNames } from '../machines/labels';
import { guardianWording, reminderWording, schoolOwnerWording, staffWording } from './wording';
import { describeIssues, parseOptions } from '../machines/zod-issues';

/** Error type names that Temporal must not retry. */
export const NON_RETRYABLE_ERROR_TYPES = ['InvalidActivityInput'];

export interface ActivityDependencies {
  outbox: Outbox;
}

function parse<S extends z.ZodType>(schema: S, input: unknown, activity: string): z.infer<S> {
  const result = schema.safeParse(input, parseOptions);
  if (!result.success) {
    const fields = describeIssues(result.error, '(inndata)', input).join('; ');
    throw ApplicationFailure.nonRetryable(`Ugyldige inndata til ${activity}: ${fields}`, 'InvalidActivityInput');
  }
  return result.data;
}

type CaseRef = { idempotencyKey: string; caseId: string; schoolId: string; pupilId: string; issuedAt: string };

function message(
  ref: CaseRef,
  fields: Omit<OutboxMessage, 'idempotencyKey' | 'caseId' | 'schoolId' | 'pupilId' | 'createdAt'>,
): OutboxMessage {
  return {
    idempotencyKey: ref.idempotencyKey,
    caseId: ref.caseId,
    schoolId: ref.schoolId,
    pupilId: ref.pupilId,
    createdAt: ref.issuedAt,
    ...fields,
  };
}

const listRoles = (roles: readonly (keyof typeof roleNames)[]) => roles.map((r) => roleNames[r]).join(', ');

/** Builds the activity implementations registered on the worker. All are idempotent by key. */
export function createActivities({ outbox }: ActivityDependencies) {
  return {
    async notifyGuardians(input: unknown): Promise<DeliveryReceipt> {
      const i = parse(notifyGuardiansInput, input, 'notifyGuardians');
      return outbox.deliver(message(i, { channel: 'email', recipients: ['guardians'], ...guardianWording[i.params.message] }));
    },

    async notifyStaff(input: unknown): Promise<DeliveryReceipt> {
      const i = parse(notifyStaffInput, input, 'notifyStaff');
      return outbox.deliver(message(i, { channel: 'email', recipients: i.params.roles, ...staffWording[i.params.about] }));
    },

    async informSchoolOwner(input: unknown): Promise<DeliveryReceipt> {
      const i = parse(informSchoolOwnerInput, input, 'informSchoolOwner');
      return outbox.deliver(message(i, { channel: 'email', recipients: ['school-owner'], ...schoolOwnerWording[i.params.about] }));
    },

    async requestDocument(input: unknown): Promise<DeliveryReceipt> {
      const i = parse(requestDocumentInput, input, 'requestDocument');
      const name = documentNames[i.params.kind];
      return outbox.deliver(
        message(i, {
          channel: 'task',
          recipients: i.params.from,
          subject: `Dokument mangler: ${name}`,
          body: `Saken trenger ${name} før den kan gå videre. Last opp dokumentet i saken.`,
        }),
      );
    },

    async scheduleMeeting(input: unknown): Promise<DeliveryReceipt> {
      const i = parse(scheduleMeetingInput, input, 'scheduleMeeting');
      const name = meetingNames[i.params.meeting];
      // Counted from when the fact happened, as a UTC calendar date like the machines' agreed dates.
      const due =
        i.params.withinDays === undefined
          ? undefined
          : addDays(new Date(i.factAt ?? i.issuedAt), i.params.withinDays)
              .toISOString()
              .slice(0, 10);
      return outbox.deliver(
        message(i, {
          channel: 'calendar',
          recipients: i.params.participants,
          subject: `Møte: ${name}`,
          body: `Sett opp ${name} med ${listRoles(i.params.participants)}${due ? ` senest ${due}` : ''}.`,
          ...(due ? { dueDate: due } : {}),
        }),
      );
    },

    async remindResponsible(input: unknown): Promise<DeliveryReceipt> {
      const i = parse(remindResponsibleInput, input, 'remindResponsible');
      return outbox.deliver(message(i, { channel: 'task', recipients: i.params.roles, ...reminderWording[i.params.about] }));
    },
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
