/** The case CLI refuses bad command lines with a message naming the option, and builds valid events. */
import { parseCli, USAGE, UsageError } from '../../cli/args';
import { caseWorkflowId } from '../helpers/case-ids';

const deps = { now: () => '2026-09-07T08:00:00.000Z', newId: () => 'id-1', workflowIdOf: caseWorkflowId };
const parse = (line: string) => parseCli(line.split(' ').filter(Boolean), deps);

test('open builds the case facts from the options', () => {
  expect(
    parse(
      'open --procedure tiltaksplan-elevfravaer --school s1 --pupil p1 --grade 9 --rule consecutive-days --dates 2026-09-01,2026-09-02 --days 2',
    ),
  ).toEqual({
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

test('a required option given blank is missing, and a required one given is trimmed', () => {
  const line = ['open', '--school', 's1', '--pupil', 'p1', '--grade', '9', '--dates', '2026-09-01'];
  expect(() => parseCli([...line, '--rule', '  '], deps)).toThrow(/^Mangler --rule\./);
  expect(parseCli([...line, '--rule', ' consecutive-days '], deps)).toMatchObject({ trigger: { rule: 'consecutive-days' } });
});

test.each([
  ['open --procedure x --school s --pupil p --grade 9 --dates 2026-09-01', /Mangler --rule/],
  ['open --school s --pupil p --grade 14 --rule consecutive-days --dates 2026-09-01', /--grade: trinn «14» må være fra 1 til 10/],
  ['open --school s --pupil p --grade ni --rule consecutive-days --dates 2026-09-01', /--grade: trinn «ni» må være et tall fra 1 til 10/],
  ['open --school skole-1 --pupil p --grade 9 --rule consecutive-days --dates 2026-09-01', /--school: skole-id «skole-1» er ugyldig/],
  [
    'open --school s1 --pupil =CMD()|calc --grade 9 --rule consecutive-days --dates 2026-09-01',
    /--pupil: elev-id «=CMD\(\)\|calc» er ugyldig/,
  ],
  [
    'open --procedure x --school s --pupil p --grade 9 --rule sometimes --dates 2026-09-01',
    /--rule må være en av: .* \(fikk «sometimes»\)/,
  ],
  ['send --case c1 --type guardians.contacted --role king --user u', /--role må være en av: .* \(fikk «king»\)/],
  ['send --case c1 --type guardians.called --role principal --user u', /--type må være en av: .* \(fikk «guardians.called»\)/],
  ['send --type guardians.contacted --role principal --user u', /Oppgi saken med --case/],
  ['send --school s-1 --pupil p --type guardians.contacted --role principal --user u', /--school: skole-id «s-1» er ugyldig/],
  ['send --case c1 --type guardians.contacted --role principal --user u', /Ugyldig hendelse «guardians.contacted».*channel/],
  [
    'send --case c1 --type guardians.contacted --role principal --user u --signal --data {}',
    /--signal er bare for fravær fra fraværsdeteksjonen .* «guardians.contacted» er en persons registrering/,
  ],
  ['send --case c1 --type measures.agreed --role system --user u --signal', /--signal er bare for fravær fra fraværsdeteksjonen/],
  ['list --status maybe', /--status må være open eller closed \(fikk «maybe»\)/],
  ['list --sort name', /--sort må være deadline, overdue eller opened \(fikk «name»\)/],
  ['list --due-within soon', /--due-within må være et heltall fra 0 til 3650 \(fikk «soon»\)/],
  ['frobnicate', /Ukjent kommando «frobnicate»/],
  ['show --case c1 --bogus', /Ukjent valg «--bogus»/],
])('"%s" is refused', (line, message) => {
  expect(() => parse(line)).toThrow(UsageError);
  expect(() => parse(line)).toThrow(message);
});

test('open takes the procedure from the school directory when --procedure is left out', () => {
  expect(
    parse('open --school S001 --pupil p1 --grade 10 --rule consecutive-days --dates 2026-09-01 --schools-config c.json'),
  ).toMatchObject({
    kind: 'open',
    schoolId: 'S001',
    grade: 10,
    schoolsConfig: 'c.json',
  });
  expect(parse('open --school S001 --pupil p1 --grade 10 --rule consecutive-days --dates 2026-09-01')).not.toHaveProperty('procedureId');
});

test('--signal is taken for detection facts', () => {
  const command = parse(
    'send --case c1 --type absence.trend --role system --user fravaersdeteksjonen --signal --data {"trend":"worse","from":"2026-09-01","to":"2026-09-20","absenceDays":4}',
  );
  expect(command).toMatchObject({ kind: 'send', asSignal: true, event: { type: 'absence.trend' } });
});

test('list takes filters and an order; by next deadline unless told otherwise', () => {
  expect(parse('list')).toEqual({ kind: 'list', json: false, overdue: false, order: 'deadline' });
  expect(parse('list --school S001 --procedure tiltaksplan-elevfravaer --status open --overdue --due-within 7 --sort overdue')).toEqual({
    kind: 'list',
    json: false,
    schoolId: 'S001',
    procedureId: 'tiltaksplan-elevfravaer',
    status: 'open',
    overdue: true,
    dueWithinDays: 7,
    order: 'overdue',
  });
});

test('the usage lists the exit codes every CLI shares', () => {
  expect(USAGE).toMatch(/Avslutningskoder:\n\s+0 {2}ferdig/);
  expect(USAGE).toMatch(/ 7 {2}saken avviste hendelsen/);
});

test('send fills in event id, time and actor, and finds the case from school and pupil', () => {
  const command = parseCli(
    [
      'send',
      '--school',
      's1',
      '--pupil',
      'p1',
      '--type',
      'guardians.contacted',
      '--role',
      'contact-teacher',
      '--user',
      'kari',
      '--data',
      '{"channel":"phone","cause":"illness","documentRef":"logg-1"}',
    ],
    deps,
  );
  expect(command).toEqual({
    kind: 'send',
    json: false,
    asSignal: false,
    workflowId: caseWorkflowId('s1', 'p1'),
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
