/** The case list: a header, Norwegian columns, late and due cases first, and cells that stay text in a spreadsheet. */
import { type CaseRow, formatCaseRows, sortCaseRows } from '../../cli/list';

const row = (over: Partial<CaseRow>): CaseRow => ({
  workflowId: `fravaerssak-S001-${over.pupilId ?? 'e'}`,
  schoolId: 'S001',
  pupilId: 'e',
  procedureId: 'tiltaksplan-elevfravaer',
  stage: 'measures',
  status: 'open',
  ...over,
});

const rows = [
  row({ pupilId: 'a', nextDeadline: '2026-10-20T10:00:00.000Z', openedAt: '2026-09-01T10:00:00.000Z' }),
  row({ pupilId: 'b', openedAt: '2026-09-03T10:00:00.000Z' }),
  row({
    pupilId: 'c',
    nextDeadline: '2026-10-02T10:00:00.000Z',
    overdueSince: '2026-09-20T10:00:00.000Z',
    daysOverdue: 12,
    openedAt: '2026-09-02T10:00:00.000Z',
  }),
  row({
    pupilId: 'd',
    nextDeadline: '2026-10-01T10:00:00.000Z',
    overdueSince: '2026-09-29T10:00:00.000Z',
    daysOverdue: 2,
    openedAt: '2026-09-04T10:00:00.000Z',
  }),
];

test('sorted by next deadline by default, cases with none last', () => {
  expect(sortCaseRows(rows, 'deadline').map((r) => r.pupilId)).toEqual(['d', 'c', 'a', 'b']);
});

test('--sort overdue puts the longest overdue first; --sort opened the newest', () => {
  expect(sortCaseRows(rows, 'overdue').map((r) => r.pupilId)).toEqual(['c', 'd', 'a', 'b']);
  expect(sortCaseRows(rows, 'opened').map((r) => r.pupilId)).toEqual(['d', 'b', 'c', 'a']);
});

test('the table has a header, the procedure, the stage in Norwegian, the next deadline and days overdue', () => {
  const lines = formatCaseRows(sortCaseRows(rows, 'deadline')).split('\n');
  expect(lines[0]).toMatch(/^SAK +SKOLE +ELEV +RUTINE +STEG +STATUS +NESTE FRIST +FORSINKET$/);
  expect(lines[1]).toMatch(/^fravaerssak-S001-d +S001 +d +Tiltaksplan elevfravær +tiltak +åpen +01\.10\.2026 +2 dager$/);
  expect(lines[4]).toMatch(/^fravaerssak-S001-b +S001 +b +Tiltaksplan elevfravær +tiltak +åpen +– +–$/);
  expect(lines.at(-1)).toBe('4 saker.');
  expect(formatCaseRows([])).toBe('Ingen saker.');
});

test('a cell that a spreadsheet would read as a formula is written as text', () => {
  const text = formatCaseRows([row({ pupilId: '=CMD()|calc', workflowId: '=CMD()|calc' })]);
  expect(text.split('\n')[1]).toMatch(/^'=CMD\(\)\|calc /);
});
