/**
 * Delay wording on diagrams: durations in the largest whole unit, "innen" for limits and
 * "etter" for waits, and delays counted to an agreed date evaluated from the default policy.
 */
import { getProcedure } from '../../machines/registry';
import { MS_PER_DAY } from '../../machines/durations';
import { resolveDelay } from '../../diagrams/delays';
import { delayPhrase, durationText } from '../../diagrams/durations-text';

test.each([
  [0, 'straks'],
  [MS_PER_DAY, '1 dag'],
  [3 * MS_PER_DAY, '3 dager'],
  [7 * MS_PER_DAY, '1 uke'],
  [21 * MS_PER_DAY, '3 uker'],
  [30 * MS_PER_DAY, '30 dager'],
  [90 * MS_PER_DAY, '90 dager'],
  [2 * 60 * 60 * 1000, '2 timer'],
  [60 * 60 * 1000, '1 time'],
  [5 * 60 * 1000, '5 minutter'],
  [1500, '2 sekunder'],
])('durationText(%d) is "%s"', (ms, text) => {
  expect(durationText(ms)).toBe(text);
});

test('a delay named as a limit reads "innen", any other "etter"', () => {
  expect(delayPhrase('meetingWithinOneWeek', 7 * MS_PER_DAY, false)).toBe('innen 1 uke');
  expect(delayPhrase('homeContactedImmediately', MS_PER_DAY, false)).toBe('innen 1 dag');
  expect(delayPhrase('monitoringPeriod', 30 * MS_PER_DAY, false)).toBe('etter 30 dager');
});

test('a delay counted to an agreed date says so, with the policy fallback when there is one', () => {
  expect(delayPhrase('evaluationWithinThreeWeeks', 21 * MS_PER_DAY, true)).toBe('på avtalt dato, innen 3 uker');
  expect(delayPhrase('trinn1ReviewOnAgreedDate', 21 * MS_PER_DAY, true)).toBe('på avtalt dato (ellers etter 3 uker)');
  expect(delayPhrase('evaluationOnAgreedDate', 0, true)).toBe('på avtalt dato');
});

test.each([
  ['plan-for-skolenaervaer', 'contactAfterThreeDaysWithoutNotice', 'på 3. skoledag uten melding'],
  ['plan-for-skolenaervaer', 'innsatsteamThreeMonths', 'etter 3 måneder'],
  ['plan-for-skolenaervaer', 'escalationAfterSixWeeksInTotal', 'etter 6 uker'],
  ['plan-for-skolenaervaer', 'monitoringPeriod', 'etter 30 dager'],
  ['plan-for-skolenaervaer', 'trinn1ReviewOnAgreedDate', 'på avtalt dato (ellers etter 3 uker)'],
  ['raelingen-veileder', 'evaluationWithinThreeWeeks', 'på avtalt dato, innen 3 uker'],
  ['tiltaksplan-elevfravaer', 'followUpMeetingWithinThreeWeeks', 'på avtalt dato, innen 3 uker'],
  ['hardanger-handlingsplan', 'evaluationOnAgreedDate', 'på avtalt dato'],
])('%s: delay %s under the default policy reads "%s"', (procedureId, delay, phrase) => {
  expect(resolveDelay(getProcedure(procedureId), delay).phrase).toBe(phrase);
});

test('an unknown delay is refused with its name', () => {
  expect(() => resolveDelay(getProcedure('plan-for-skolenaervaer'), 'noSuchDelay')).toThrow('noSuchDelay');
});
