/**
 * The retention command's summary and its command line, without a server: the lines a run prints
 * (deleted, dry run, nothing due) and the refusals of a bad command line. The deleting itself is
 * tested on a dev server (test/casework/retention.devserver.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../app/exit-codes';
import { parseSettings } from '../../app/settings';
import type { CaseDeletion, RetentionReport } from '../../casework/retention';
import { RETENTION_USAGE, formatRetentionReport, runRetentionCli } from '../../cli/retention';

const deletion = (workflowId: string, overrides: Partial<CaseDeletion> = {}): CaseDeletion => ({
  workflowId,
  closedAt: new Date('2025-03-01T10:00:00Z'),
  runs: 2,
  runsUnconfirmed: 0,
  deliveries: 3,
  outboxFiles: 4,
  archivedDocuments: 0,
  archiveCaseFiles: [],
  ...overrides,
});

const report = (cases: CaseDeletion[], changed = true): RetentionReport => ({
  keptFrom: '2026-06-01',
  namespaceRetentionBefore: 1,
  namespaceRetentionChanged: changed,
  cases,
});

test('one line per case with what was deleted and the archived documents kept, then the totals', () => {
  const lines = formatRetentionReport(
    report([
      deletion('fravaerssak-S001-aaa'),
      deletion('fravaerssak-S002-bbb', { runs: 1, deliveries: 0, outboxFiles: 1, archivedDocuments: 2, archiveCaseFiles: ['2025/17'] }),
    ]),
    365,
    false,
  );
  expect(lines).toEqual([
    'Temporal: navnerommets oppbevaringstid er satt til 365 dager (var 1 dag).',
    'Sak fravaerssak-S001-aaa, avsluttet 2025-03-01: slettet 2 kjøringer i Temporal, 3 leveringsrader, 4 filer i utboksen; ingen arkiverte dokumenter.',
    'Sak fravaerssak-S002-bbb, avsluttet 2025-03-01: slettet 1 kjøring i Temporal, 0 leveringsrader, 1 fil i utboksen; 2 arkiverte dokumenter beholdes (saksmappe 2025/17; følger arkivets regler).',
    'Totalt 2 saker avsluttet før 2026-06-01: slettet 3 kjøringer, 3 leveringsrader, 5 filer i utboksen; 2 arkiverte dokumenter beholdt.',
  ]);
});

test('a dry run says so and says what it would delete', () => {
  const lines = formatRetentionReport(report([deletion('fravaerssak-S001-aaa')]), 365, true);
  expect(lines[0]).toBe('Prøvekjøring (--dry-run): ingenting er slettet eller endret.');
  expect(lines[1]).toBe('Temporal: navnerommets oppbevaringstid ville blitt satt til 365 dager (var 1 dag).');
  expect(lines[2]).toContain('ville slettet 2 kjøringer i Temporal, 3 leveringsrader, 4 filer i utboksen;');
  expect(lines[3]).toMatch(/^Totalt 1 sak avsluttet før 2026-06-01: ville slettet /);
});

test('the detection ledger is kept: no line names it as deleted, the usage says it is kept', () => {
  const lines = formatRetentionReport(report([deletion('fravaerssak-S001-aaa')]), 365, false);
  expect(lines.join('\n')).not.toContain('deteksjonsloggen');
  expect(RETENTION_USAGE).toMatch(
    /Fraværsregistreringene, deteksjonsloggen \(så gammelt fravær aldri åpner en ny sak\),\s+tilgangsloggen og arkivet beholdes/,
  );
});

test('runs Temporal had not confirmed gone when the wait ended are named, with what to do', () => {
  const lines = formatRetentionReport(report([deletion('fravaerssak-S001-aaa', { runsUnconfirmed: 1 })]), 365, false);
  expect(lines[1]).toBe(
    'Sak fravaerssak-S001-aaa, avsluttet 2025-03-01: slettet 2 kjøringer i Temporal, 3 leveringsrader, 4 filer i utboksen; ' +
      'ingen arkiverte dokumenter. Temporal har ennå ikke bekreftet slettingen av 1 kjøring; kjør kommandoen igjen senere for å se etter.',
  );
});

test('nothing due: one line that says so and the period', () => {
  expect(formatRetentionReport(report([], false), 30, false)).toEqual([
    'Temporal: navnerommets oppbevaringstid er allerede 30 dager.',
    'Ingen saker å slette: ingen sak ble avsluttet før 2026-06-01 (oppbevaringstid 30 dager).',
  ]);
});

describe('the command line', () => {
  async function run(argv: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const connect = jest.fn(() => Promise.reject(new Error('must not connect')));
    const code = await runRetentionCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, () => parseSettings(env), connect);
    return { code, out: out.join('\n'), err: err.join('\n'), connected: connect.mock.calls.length > 0 };
  }

  test('--help prints the usage with its exit codes', async () => {
    const result = await run(['--help']);
    expect(result).toMatchObject({ code: EXIT.ok, out: RETENTION_USAGE, connected: false });
    expect(RETENTION_USAGE).toMatch(/ {2}5 {2}Temporal kunne ikke nås/);
  });

  test.each([
    [['--today', '31.12.2027'], /^--today må være en dato ÅÅÅÅ-MM-DD \(fikk «31\.12\.2027»\)\./],
    [['alt'], /^Uventet argument «alt»: retention tar bare valg\./],
    [['--database', 'mysql://x'], /^--database /],
    [['--slett-alt'], /slett-alt/],
  ])('%j is refused with the usage text; nothing is connected', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('Bruk: npm run retention');
    expect(result.connected).toBe(false);
  });

  test('Temporal out of reach: temporalUnavailable, saying where; nothing deleted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retention-cli-'));
    try {
      const result = await run([], { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, TEMPORAL_ADDRESS: '127.0.0.1:1' });
      expect(result.code).toBe(EXIT.temporalUnavailable);
      expect(result.err).toBe('Slettingen ble ikke fullført: Temporal kunne ikke nås på 127.0.0.1:1 (must not connect).');
      expect(result.connected).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bad CASE_RETENTION_DAYS stops it with badConfiguration, naming the variable', async () => {
    const result = await run([], { CASE_RETENTION_DAYS: '0' });
    expect(result.code).toBe(EXIT.badConfiguration);
    expect(result.err).toMatch(/^Ingenting ble slettet: .*CASE_RETENTION_DAYS: må være et helt antall dager/s);
  });
});
