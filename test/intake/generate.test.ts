/**
 * The synthetic generator is deterministic for a seed, stays inside the school calendar and the
 * committed school directory, emits only registrations the importer accepts (and CSV no
 * spreadsheet runs as a formula), and produces every absence pattern it promises.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIT } from '../../app/exit-codes';
import { loadSchoolDirectory } from '../../detection/school-directory';
import { parseRegistrations } from '../../intake/parse-registrations';
import {
  ABSENCE_PATTERNS,
  type GeneratedData,
  SYNTHETIC_SCHOOL_IDS,
  easterSunday,
  generate,
  schoolDays,
  toCsv,
} from '../../intake/generate';
import { runGenerateCli } from '../../cli/generate';
import type { Registration } from '../../intake/registration-schema';

const data = generate({ pupils: 400, seed: 42, schoolYear: 2025 });

function byPupil(d: GeneratedData): Map<string, Registration[]> {
  const map = new Map<string, Registration[]>(d.pupils.map((p) => [p.pupilId, []]));
  for (const r of d.registrations) map.get(r.pupilId)?.push(r);
  return map;
}

test('same seed gives identical data; another seed gives different data', () => {
  expect(generate({ pupils: 400, seed: 42, schoolYear: 2025 })).toEqual(data);
  expect(generate({ pupils: 400, seed: 43, schoolYear: 2025 }).registrations).not.toEqual(data.registrations);
});

test('school days are weekdays from mid-August to late June without the built-in holidays', () => {
  const days = schoolDays(2025);
  expect(days[0]).toBe('2025-08-18');
  expect(days.at(-1)).toBe('2026-06-19');
  expect(easterSunday(2026).getDate()).toBe(5); // 5 April 2026
  for (const holiday of [
    '2025-09-29',
    '2025-12-24',
    '2026-01-01',
    '2026-02-16',
    '2026-04-02',
    '2026-04-06',
    '2026-05-01',
    '2026-05-14',
    '2026-05-25',
  ]) {
    expect(days).not.toContain(holiday);
  }
  expect(days).toContain('2026-01-02');
  expect(days.every((d) => ![0, 6].includes(new Date(`${d}T12:00:00`).getDay()))).toBe(true);
  expect(days.length).toBeGreaterThan(180);
  expect(days.length).toBeLessThan(195);
  expect(new Set(data.registrations.map((r) => r.date)).size).toBeLessThanOrEqual(days.length);
  expect(data.registrations.every((r) => days.includes(r.date))).toBe(true);
});

test('both CSV styles round-trip through the importer without a refused row', () => {
  for (const style of ['norwegian', 'canonical'] as const) {
    const result = parseRegistrations(toCsv(data.registrations, style));
    expect(result.errors).toEqual([]);
    expect(result.registrations).toEqual(data.registrations);
  }
});

test('every pattern occurs, and each pupil looks like their pattern', () => {
  const regs = byPupil(data);
  const dayIndex = new Map(data.schoolDays.map((d, i) => [d, i]));
  const half = data.schoolDays[Math.floor(data.schoolDays.length / 2)]!;
  const longestRun = (rs: Registration[]) => {
    const idx = rs
      .filter((r) => r.wholeDay)
      .map((r) => dayIndex.get(r.date)!)
      .sort((a, b) => a - b);
    let best = 0;
    let run = 0;
    idx.forEach((d, i) => {
      run = i > 0 && d === idx[i - 1]! + 1 ? run + 1 : 1;
      best = Math.max(best, run);
    });
    return best;
  };
  for (const pattern of ABSENCE_PATTERNS) expect(data.pupils.some((p) => p.pattern === pattern)).toBe(true);
  for (const pupil of data.pupils) {
    const rs = regs.get(pupil.pupilId) ?? [];
    expect(pupil.grade).toBeGreaterThanOrEqual(1);
    expect(pupil.grade).toBeLessThanOrEqual(10);
    switch (pupil.pattern) {
      case 'little':
        expect(rs.length).toBeLessThanOrEqual(3);
        break;
      case 'sporadic-illness':
        expect(rs.length).toBeGreaterThanOrEqual(4);
        expect(rs.every((r) => r.notifiedByGuardians)).toBe(true);
        break;
      case 'consecutive-days':
        expect(longestRun(rs)).toBeGreaterThanOrEqual(3);
        break;
      case 'partial-days':
        expect(rs.length).toBeGreaterThanOrEqual(6);
        expect(rs.every((r) => !r.wholeDay && (r.lateArrival || r.leftDuringDay))).toBe(true);
        break;
      case 'growing': {
        const early = rs.filter((r) => r.date < half).length;
        expect(rs.length - early).toBeGreaterThan(early);
        break;
      }
      case 'unnotified':
        expect(rs.length).toBeGreaterThanOrEqual(4);
        expect(rs.every((r) => !r.notifiedByGuardians && !r.valid)).toBe(true);
        break;
    }
  }
});

test('even a small class gets every pattern', () => {
  const small = generate({ pupils: 6, seed: 1 });
  expect(new Set(small.pupils.map((p) => p.pattern))).toEqual(new Set(ABSENCE_PATTERNS));
});

describe('[issue 10 point 8] schools', () => {
  test('by default only schools of the committed directory, however many pupils', async () => {
    const committed = (await loadSchoolDirectory(path.join('config', 'schools.json'))).schoolIds();
    expect([...SYNTHETIC_SCHOOL_IDS].sort()).toEqual(committed);
    const large = generate({ pupils: 10_000, seed: 3 });
    expect(large.schools.every((s) => committed.includes(s.schoolId))).toBe(true);
    expect(new Set(large.registrations.map((r) => r.schoolId))).toEqual(new Set(committed));
    expect(large.pupils).toHaveLength(10_000);
    // 300 pupils a school as before: 1 500 pupils fill S001–S005 (procedure C in the directory).
    expect(generate({ pupils: 1500, seed: 3 }).schools.map((s) => s.schoolId)).toEqual(['S001', 'S002', 'S003', 'S004', 'S005']);
  });

  test('a given list of schools is used instead', () => {
    const own = generate({ pupils: 900, seed: 3, schoolIds: ['nord', 'sor'] });
    expect(own.schools.map((s) => s.schoolId)).toEqual(['nord', 'sor']);
    expect(new Set(own.pupils.map((p) => p.schoolId))).toEqual(new Set(['nord', 'sor']));
    expect(() => generate({ pupils: 10, seed: 3, schoolIds: [] })).toThrow('minst én skole');
  });
});

test('[issue 10 point 9] CSV text cells that start like a formula are neutralised; numbers and dates are not touched', () => {
  const reg: Registration = {
    pupilId: 'E1',
    schoolId: 'S001',
    grade: 5,
    date: '2026-09-03',
    wholeDay: false,
    lessons: 2,
    valid: false,
    notifiedByGuardians: false,
    lateArrival: false,
    leftDuringDay: true,
    reasonCode: '@SUM(A1)',
    note: '=HYPERLINK("http://x","klikk")',
  };
  for (const style of ['norwegian', 'canonical'] as const) {
    const csv = toCsv([reg, { ...reg, date: '2026-09-04', reasonCode: '-1', note: '+47 99 99 99 99' }], style);
    const [, first, second] = csv.trimEnd().split('\n');
    expect(first).toContain(style === 'norwegian' ? ';\'@SUM(A1);"\'=HYPERLINK(""http://x"",""klikk"")"' : ",'@SUM(A1),\"'=HYPERLINK(");
    expect(second).toContain(
      style === 'norwegian' ? ";2;;nei;nei;nei;ja;'-1;'+47 99 99 99 99" : ",2,,false,false,false,true,'-1,'+47 99 99 99 99",
    );
    // Every text cell of the file is safe to open in a spreadsheet.
    for (const line of csv.trimEnd().split('\n')) {
      for (const cell of line.split(style === 'norwegian' ? ';' : ',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
    }
    // The importer reads the cells back as text with the quote kept: nothing is evaluated or lost.
    expect(parseRegistrations(csv).registrations[0]).toMatchObject({ lessons: 2, reasonCode: "'@SUM(A1)", note: `'${reg.note}` });
  }
});

describe('[issue 10 point 19] the generator CLI', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'generate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runGenerateCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('writes the file for the schools of the school directory and says so in Norwegian', async () => {
    const out = path.join(dir, 'fravaer.csv');
    const result = await run(['--pupils', '20', '--seed', '7', '--out', out]);
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toMatch(/^Skrev \d+ registreringer for 20 elever ved 1 skole til /);
    const parsed = parseRegistrations(await readFile(out, 'utf8'), { knownSchools: new Set(SYNTHETIC_SCHOOL_IDS) });
    expect(parsed.errors).toEqual([]);
  });

  test('--schools-config chooses the directory whose schools are used', async () => {
    const config = path.join(dir, 'skoler.json');
    await writeFile(
      config,
      JSON.stringify({
        formatVersion: 1,
        municipalities: {
          test: {
            name: 'Testkommune',
            procedureId: 'tiltaksplan-elevfravaer',
            calendar: { municipality: 'Testkommune', firstYear: 2025, lastYear: 2026 },
          },
        },
        schools: [{ schoolId: 'nord', name: 'Nord', municipality: 'test' }],
      }),
      'utf8',
    );
    const out = path.join(dir, 'fravaer.json');
    expect((await run(['--pupils', '400', '--out', out, '--schools-config', config])).code).toBe(EXIT.ok);
    expect(new Set((JSON.parse(await readFile(out, 'utf8')) as Registration[]).map((r) => r.schoolId))).toEqual(new Set(['nord']));
    await writeFile(config, '{}', 'utf8');
    const bad = await run(['--pupils', '4', '--out', out, '--schools-config', config]);
    expect(bad.code).toBe(EXIT.badConfiguration);
    expect(bad.err).toContain('Ugyldig skolekatalog');
  });

  test('bad arguments are named with their value and exit 2', async () => {
    const out = path.join(dir, 'x.csv');
    const cases: [string[], string][] = [
      [['--pupils', 'mange', '--out', out], '--pupils må være et positivt heltall, ikke «mange»'],
      [['--pupils', '0', '--out', out], '--pupils må være et positivt heltall, ikke «0»'],
      [['--pupils', '5', '--seed', '1.5', '--out', out], '--seed må være et heltall, ikke «1.5»'],
      [['--pupils', '5', '--out', out, '--school-year', '25'], '--school-year må være et årstall'],
      [['--pupils', '5', '--out', out, '--style', 'excel'], '--style må være norwegian eller canonical, ikke «excel»'],
      [['--pupils', '5'], '--out mangler'],
      [['--out', out], '--pupils mangler'],
      [['--pupils', '5', '--out', out, '--foo'], 'Ukjent valg «--foo»'],
      [['--pupils', '5', '--out', path.join(dir, 'finnes-ikke', 'x.csv')], `Kan ikke skrive «${path.join(dir, 'finnes-ikke', 'x.csv')}»`],
    ];
    for (const [argv, message] of cases) {
      const result = await run(argv);
      expect([argv, result.code]).toEqual([argv, EXIT.usage]);
      expect(result.err).toContain(message);
    }
  });
});
