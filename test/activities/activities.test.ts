/**
 * The activities behind declared effects: inputs are validated with a non-retryable error that
 * names the field, messages are worded in Norwegian, delivery is idempotent by key and answers
 * what was sent to whom, and limits in messages count from when the fact happened.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createWorkerActivities, NON_RETRYABLE_ERROR_TYPES, type WorkerActivities } from '../../activities';
import { defineMessageActivity } from '../../activities/effects/define';
import { FileOutbox } from '../../activities/outbox';
import { defineEffect } from '../../machines/effects';
import { z } from 'zod';
import { INVALID_ACTIVITY_INPUT } from '../../workflows/activity-errors';

let dir: string;
let outbox: FileOutbox;
let activities: WorkerActivities;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'activities-'));
  outbox = new FileOutbox(dir);
  activities = createWorkerActivities({ outbox });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ref = (key: string) => ({
  idempotencyKey: key,
  caseId: 'case-1',
  procedureId: 'tiltaksplan-elevfravaer',
  schoolId: 'school1',
  pupilId: 'pupil-1',
  issuedAt: '2026-09-10T08:00:00.000Z',
});

test('the same idempotency key is delivered once, however often the activity is retried', async () => {
  const input = { ...ref('fravaerssak-school1-pupil-1/1/notifyGuardians'), params: { message: 'school-is-concerned' as const } };
  const first = await activities.notifyGuardians(input);
  const second = await activities.notifyGuardians(input);
  expect(first).toMatchObject({ duplicate: false, subject: 'Skolen er bekymret for fraværet', recipients: ['guardians'] });
  expect(second).toEqual({ ...first, duplicate: true });
  expect(readdirSync(dir)).toHaveLength(1);
  const [message] = await outbox.list();
  expect(message).toMatchObject({ channel: 'email', recipients: ['guardians'], subject: 'Skolen er bekymret for fraværet' });
});

test('bad input is a non-retryable failure that names the field', async () => {
  const bad = { ...ref('k/2/notifyStaff'), params: { roles: [], about: 'case-opened' } };
  // The workflow's call is typed; what reaches the activity (a history, a hand-started run) may not be.
  const error = await activities.notifyStaff(bad as never).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect((error as ApplicationFailure).nonRetryable).toBe(true);
  expect((error as ApplicationFailure).type).toBe(INVALID_ACTIVITY_INPUT);
  expect(NON_RETRYABLE_ERROR_TYPES).toContain(INVALID_ACTIVITY_INPUT);
  expect((error as ApplicationFailure).message).toMatch(/Ugyldige inndata til notifyStaff: params\.roles: minst én mottakerrolle/);
  expect(readdirSync(dir)).toHaveLength(0);
});

test('a call to set up a meeting is due within its limit counted from when the fact happened', async () => {
  await activities.scheduleMeeting({
    ...ref('k/3/scheduleMeeting'),
    factAt: '2026-09-07T14:00:00.000Z',
    params: { meeting: 'evaluation-meeting', participants: ['principal', 'guardians'], withinDays: 7 },
  });
  const [message] = await outbox.list();
  expect(message).toMatchObject({
    channel: 'calendar',
    dueDate: '2026-09-14',
    subject: 'Møte: evalueringsmøte',
    recipients: ['principal', 'guardians'],
  });
  expect(message?.body).toContain('senest mandag 14. september 2026');
});

test('a document request and a reminder name what is missing and who must act', async () => {
  await activities.requestDocument({ ...ref('k/4/requestDocument'), params: { kind: 'mapping-form', from: ['contact-teacher'] } });
  await activities.remindResponsible({ ...ref('k/5/remindResponsible'), params: { roles: ['principal'], about: 'evaluate-measures' } });
  await activities.informSchoolOwner({ ...ref('k/6/informSchoolOwner'), params: { about: 'case-escalated' } });
  const messages = await outbox.list();
  expect(messages.map((m) => [m.channel, m.recipients, m.subject])).toEqual([
    ['task', ['contact-teacher'], 'Dokument mangler: kartleggingsskjema'],
    ['task', ['principal'], 'Påminnelse: tiltakene skal evalueres'],
    ['email', ['school-owner'], 'Melding til skoleeier: fraværssak på høyere nivå'],
  ]);
});

test('defineMessageActivity says from the checked input what the message is, and sends it with the case reference', async () => {
  const example = defineEffect({ name: 'exampleMessage', params: { to: z.enum(['principal']) }, label: 'eksempel' });
  const worded: unknown[] = [];
  const module = defineMessageActivity(example, (input) => {
    worded.push(input.params);
    return { channel: 'task', recipients: [input.params.to], template: { kind: 'reminder', topic: 'evaluate-measures' } };
  });
  const send = module.create({ outbox });
  await expect(send({ ...ref('k/9/exampleMessage'), params: { to: 'principal' } })).resolves.toMatchObject({
    duplicate: false,
    subject: 'Påminnelse: tiltakene skal evalueres',
    recipients: ['principal'],
  });
  const [message] = await outbox.list();
  expect(message).toMatchObject({
    idempotencyKey: 'k/9/exampleMessage',
    caseId: 'case-1',
    schoolId: 'school1',
    pupilId: 'pupil-1',
    createdAt: '2026-09-10T08:00:00.000Z',
    channel: 'task',
    recipients: ['principal'],
    subject: 'Påminnelse: tiltakene skal evalueres',
  });
  // Without a people directory the message is to roles: it names the case, no person.
  expect(message?.body).toContain('case-1');
  expect(message).not.toHaveProperty('recipient');
  const refused = await send({ ...ref('k/10/exampleMessage'), params: { to: 'king' } } as never).catch((err: unknown) => err);
  expect((refused as ApplicationFailure).type).toBe(INVALID_ACTIVITY_INPUT);
  expect(worded).toEqual([{ to: 'principal' }]);
});
