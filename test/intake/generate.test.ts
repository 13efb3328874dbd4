/**
 * The synthetic generator is deterministic for a seed, stays inside the school calendar, emits
 * only registrations the importer accepts, and produces every absence pattern it promises.
 */
import { parseRegistrations } from '../../intake/parse-registrations';
import { ABSENCE_PATTERNS, type GeneratedData, easterSunday, generate, schoolDays, toCsv } from '../../intake/generate';
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
  for (const holiday of ['2025-09-29', '2025-12-24', '2026-01-01', '2026-02-16', '2026-04-02', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25']) {
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
    const idx = rs.filter((r) => r.wholeDay).map((r) => dayIndex.get(r.date)!).sort((a, b) => a - b);
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
