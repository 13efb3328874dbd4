/** The case CLI refuses bad command lines with a message naming the option, and builds valid events. */
import { parseCli, UsageError } from '../../cli/args';
import { caseWorkflowId } from '../../workflows/case-messages';

const deps = { now: () => '2026-09-07T08:00:00.000Z', newId: () => 'id-1', workflowIdOf: caseWorkflowId };
const parse = (line: string) => parseCli(line.split(' ').filter(Boolean), deps);

test('open builds the case facts from the options', () => {
  expect(parse('open --procedure tiltaksplan-elevfravaer --school s1 --pupil p1 --grade 9 --rule consecutive-days --dates 2026-09-01,2026-09-02 --days 2')).toEqual({
    kind: 'open',
    json: false,
    procedureId: 'tiltaksplan-elevfravaer',
    schoolId: 's1',
    pupilId: 'p1',
    grade: 9,
    caseId: 's1-p1-2026-09-07',
    trigger: { rule: 'consecutive-days', dates: ['2026-09-01', '2026-09-02'], days: 2 },
  });
});

test.each([
  ['open --procedure x --school s --pupil p --grade 9 --dates 2026-09-01', /Mangler --rule/],
  ['open --procedure x --school s --pupil p --grade 14 --rule consecutive-days --dates 2026-09-01', /--grade må være et heltall fra 1 til 13/],
  ['open --procedure x --school s --pupil p --grade 9 --rule sometimes --dates 2026-09-01', /--rule må være en av/],
  ['open --procedure x --school s --pupil p --grade 9 --rule consecutive-days --dates 2026-09-01 --policy {nope', /--policy er ikke gyldig JSON/],
  ['send --case c1 --type guardians.contacted --role king --user u', /--role må være en av/],
  ['send --type guardians.contacted --role principal --user u', /Oppgi saken med --case/],
  ['send --case c1 --type guardians.contacted --role principal --user u', /Ugyldig hendelse «guardians.contacted».*channel/],
  ['list --status maybe', /--status må være open eller closed/],
  ['frobnicate', /Ukjent kommando «frobnicate»/],
  ['show --case c1 --bogus', /Unknown option '--bogus'/],
])('"%s" is refused', (line, message) => {
  expect(() => parse(line)).toThrow(UsageError);
  expect(() => parse(line)).toThrow(message);
});

test('send fills in event id, time and actor, and finds the case from school and pupil', () => {
  const command = parseCli(
    ['send', '--school', 's1', '--pupil', 'p1', '--type', 'guardians.contacted', '--role', 'contact-teacher', '--user', 'kari', '--data', '{"channel":"phone","cause":"illness","documentRef":"logg-1"}'],
    deps,
  );
  expect(command).toEqual({
    kind: 'send',
    json: false,
    asSignal: false,
    workflowId: 'fravaerssak-s1-p1',
    event: {
      type: 'guardians.contacted',
      eventId: 'id-1',
      actor: { role: 'contact-teacher', userId: 'kari' },
      at: '2026-09-07T08:00:00.000Z',
      channel: 'phone',
      cause: 'illness',
      documentRef: 'logg-1',
    },
  });
});

test('no command, help and --help show the usage', () => {
  expect(parse('')).toEqual({ kind: 'help' });
  expect(parse('help')).toEqual({ kind: 'help' });
  expect(parse('show --help')).toEqual({ kind: 'help' });
});
