/**
 * The command line of the audit of real cases: its arguments (with Norwegian errors naming the
 * bad value), the options it hands the audit, what it prints and the exit codes.
 */
import { EXIT } from '../../app/exit-codes';
import { parseSettings } from '../../app/settings';
import { CASE_AUDIT_USAGE, CaseAuditUsageError, DEFAULT_CASE_AUDIT_DIR, parseCaseAuditArgs, runCaseAuditCli } from '../../cli/case-audit';
import type { CaseAuditOptions, CaseAuditOutcome } from '../../case-audit/run-case-audit';
import { buildCaseAuditReport } from '../../case-audit/report';

describe('parseCaseAuditArgs', () => {
  test('a school, a period, an output folder and the pseudonymised report; a leading --cases is taken', () => {
    expect(
      parseCaseAuditArgs(['--cases', '--school', 'S001', '--from', '2026-08-15', '--to', '2026-12-31', '--out', 'ut', '--pseudonymise']),
    ).toEqual({
      kind: 'audit',
      schoolId: 'S001',
      from: '2026-08-15',
      to: '2026-12-31',
      outDir: 'ut',
      pseudonymise: true,
    });
    expect(parseCaseAuditArgs([])).toEqual({ kind: 'audit', outDir: DEFAULT_CASE_AUDIT_DIR, pseudonymise: false });
    expect(parseCaseAuditArgs(['--help']).kind).toBe('help');
  });

  test('names from the people directory: the database from --database, or DATABASE_URL', () => {
    expect(parseCaseAuditArgs(['--with-names'], { databaseUrl: 'sqlite:data/skole.sqlite' }).namesFrom).toBe('sqlite:data/skole.sqlite');
    expect(parseCaseAuditArgs(['--with-names', '--database', 'sqlite:annen.sqlite']).namesFrom).toBe('sqlite:annen.sqlite');
  });

  test.each([
    [['--from', '2026-13-01'], /--from må være en gyldig dato på formen ÅÅÅÅ-MM-DD, ikke «2026-13-01»/],
    [['--to', 'i går'], /--to må være en gyldig dato.*«i går»/],
    [['--from', '2026-09-02', '--to', '2026-09-01'], /--from \(2026-09-02\) er etter --to \(2026-09-01\)/],
    [['--school', 'skole med mellomrom'], /--school: .*skole med mellomrom/],
    [['--pseudonymise', '--with-names'], /kan ikke brukes sammen/],
    [['--database', 'sqlite:x.sqlite'], /--database brukes bare med --with-names/],
    [['--out', ' '], /--out kan ikke være tom/],
    [['revider'], /Uventet argument «revider»/],
    [['--skole', 'S1'], /--skole/],
  ])('%j is refused in Norwegian, naming the value', (argv, message) => {
    expect(() => parseCaseAuditArgs(argv)).toThrow(CaseAuditUsageError);
    expect(() => parseCaseAuditArgs(argv)).toThrow(message);
  });
});

describe('runCaseAuditCli', () => {
  const report = (findings: number) => {
    const built = buildCaseAuditReport([], {
      generatedAt: new Date('2026-12-01T00:00:00Z'),
      auditedAt: new Date('2026-12-01T00:00:00Z'),
      scope: { schoolId: null, from: null, to: null },
      pseudonymised: false,
      timings: { fetchMs: 0, replayMs: 0, totalMs: 0 },
    });
    const findingsByRule: Record<string, number> = findings ? { 'deadline-missed': findings } : {};
    return { ...built, summary: { ...built.summary, findings, findingsByRule } };
  };

  async function run(argv: string[], outcome: () => Promise<CaseAuditOutcome>) {
    const out: string[] = [];
    const err: string[] = [];
    const calls: CaseAuditOptions[] = [];
    const code = await runCaseAuditCli(
      argv,
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      () => parseSettings({}),
      (options) => {
        calls.push(options);
        return outcome();
      },
    );
    return { code, out: out.join('\n'), err: err.join('\n'), calls };
  }

  const files = { json: 'r/cases.json', html: 'r/index.html', csv: 'r/findings.csv' };

  test('findings: exit 9 with the counts per rule and where the report is', async () => {
    const result = await run(['--school', 'S1'], async () => ({ report: report(2), files, exitCode: EXIT.checkFailed }));
    expect(result.code).toBe(EXIT.checkFailed);
    expect(result.out).toContain('2 funn');
    expect(result.out).toContain('Frist ikke overholdt: 2');
    expect(result.out).toContain('r/index.html');
    expect(result.calls[0]).toMatchObject({ schoolId: 'S1', outDir: DEFAULT_CASE_AUDIT_DIR, pseudonymise: false });
    expect(result.calls[0]!.people).toBeUndefined();
  });

  test('no findings: exit 0', async () => {
    expect((await run([], async () => ({ report: report(0), files, exitCode: EXIT.ok }))).code).toBe(EXIT.ok);
  });

  test('a bad argument: exit 2 with the error and the usage; the audit does not run', async () => {
    const result = await run(['--from', 'igår'], async () => Promise.reject(new Error('must not run')));
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toContain('«igår»');
    expect(result.err).toContain(CASE_AUDIT_USAGE);
    expect(result.calls).toEqual([]);
  });

  test('the audit could not run (Temporal unreachable): exit 1 with why', async () => {
    const result = await run([], async () => Promise.reject(new Error('tilkoblingen ble avvist')));
    expect(result.code).toBe(EXIT.internalError);
    expect(result.err).toBe('Revisjonen av sakene kunne ikke kjøres: tilkoblingen ble avvist');
  });

  test('--help prints the usage with its exit codes', async () => {
    const result = await run(['--help'], async () => Promise.reject(new Error('must not run')));
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toBe(CASE_AUDIT_USAGE);
    expect(CASE_AUDIT_USAGE).toMatch(/ {2}9 {2}en kontroll fant feil/);
  });
});
