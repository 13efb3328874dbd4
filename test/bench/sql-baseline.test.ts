import type { SqlJsStatic } from 'sql.js';
import { resolveDetectionPolicy } from '../../detection/policy';
import { detect } from '../../detection/rules';
import { generate, schoolDays } from '../../intake/generate';
import type { Registration } from '../../intake/registration-schema';
import { benchCalendar, benchCalendarConfig } from '../../bench/calendar';
import { compareHits } from '../../bench/compare';
import { SQL_RULES, loadRegistrations, loadSqlJs, runRules } from '../../bench/sql-baseline';

const PROCEDURE = 'tiltaksplan-elevfravaer';
const calendar = benchCalendar(2025);
const policy = resolveDetectionPolicy(PROCEDURE);
const lastSchoolDay = '2026-06-19';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSqlJs();
});

function both(registrations: Registration[], today = lastSchoolDay) {
  const triggers = detect(PROCEDURE, registrations, calendar, today);
  const db = loadRegistrations(SQL, registrations, calendar);
  try {
    const { hits } = runRules(db, policy, today);
    return { triggers, hits, agreement: compareHits(triggers, hits, SQL_RULES) };
  } finally {
    db.close();
  }
}

const reg = (date: string, patch: Partial<Registration> = {}): Registration => ({
  pupilId: 'E1',
  schoolId: 'S001',
  grade: 5,
  date,
  wholeDay: true,
  valid: true,
  notifiedByGuardians: true,
  lateArrival: false,
  leftDuringDay: false,
  reasonCode: 'SYK',
  ...patch,
});
const partial = (date: string, patch: Partial<Registration> = {}): Registration =>
  reg(date, { wholeDay: false, lessons: 1, leftDuringDay: true, reasonCode: 'LEGE', ...patch });

describe('benchCalendar', () => {
  it("has exactly the generator's school days", () => {
    const days = schoolDays(2025);
    expect(calendar.schoolDaysBetween('2025-01-01', '2026-12-31')).toBe(days.length);
    expect(days.every((d) => calendar.isSchoolDay(d))).toBe(true);
  });

  it('names the generator holidays as periods', () => {
    const names = benchCalendarConfig(2025).schoolHolidays?.map((p) => `${p.from}..${p.to}`) ?? [];
    expect(names).toContain('2025-09-29..2025-10-03'); // autumn break, ISO week 40
    expect(names).toContain('2025-12-21..2026-01-01');
  });
});

describe('SQL baseline against detect()', () => {
  it('agrees on a generated school year', () => {
    const { registrations } = generate({ pupils: 400, seed: 3 });
    const { triggers, hits, agreement } = both(registrations);
    expect(agreement.agree).toBe(true);
    expect(hits.length).toBe(triggers.filter((t) => (SQL_RULES as readonly string[]).includes(t.rule)).length);
    for (const rule of agreement.rules) expect(rule.detect).toBeGreaterThan(0);
  });

  it('agrees half-way through the year (today cuts the data)', () => {
    const { registrations } = generate({ pupils: 200, seed: 4 });
    expect(both(registrations, '2026-01-15').agreement.agree).toBe(true);
  });

  it('counts consecutive school days across a weekend and the autumn break, and a partial day breaks the run', () => {
    // Fri 26 Sep, (autumn break 29 Sep - 3 Oct), Mon 6 Oct, Tue 7 Oct: three consecutive school days.
    const { hits, agreement } = both([reg('2025-09-26'), reg('2025-10-06'), reg('2025-10-07')]);
    expect(hits).toEqual([{ rule: 'consecutive-days', pupilId: 'E1', firedOn: '2025-10-07' }]);
    expect(agreement.agree).toBe(true);
    // Mon, (Tue partial), Wed, Thu: no run of three.
    const broken = both([reg('2025-11-03'), partial('2025-11-04'), reg('2025-11-05'), reg('2025-11-06')]);
    expect(broken.hits.filter((h) => h.rule === 'consecutive-days')).toEqual([]);
    expect(broken.agreement.agree).toBe(true);
  });

  it('fires 4 whole days within a calendar month, not a day more', () => {
    // The calendar month that starts on 3 November ends on 2 December.
    const within = both([reg('2025-11-03'), reg('2025-11-10'), reg('2025-11-17'), reg('2025-12-02')]);
    expect(within.hits).toEqual([{ rule: 'single-days-in-month', pupilId: 'E1', firedOn: '2025-12-02' }]);
    const outside = both([reg('2025-11-03'), reg('2025-11-10'), reg('2025-11-17'), reg('2025-12-03')]);
    expect(outside.hits).toEqual([]);
    expect(within.agreement.agree && outside.agreement.agree).toBe(true);
  });

  it('merges registrations per day: a whole day wins over a partial one the same day', () => {
    const { hits, agreement } = both([
      partial('2025-11-03', { lateArrival: true, leftDuringDay: false, lessons: undefined, minutes: 10 }),
      partial('2025-11-10'),
      reg('2025-11-10', { pupilId: 'E1' }),
      partial('2025-11-17'),
      partial('2025-11-24', { pupilId: 'E2' }),
    ]);
    expect(hits.filter((h) => h.rule === 'partial-days-in-month')).toEqual([]);
    expect(agreement.agree).toBe(true);
  });
});

describe('compareHits', () => {
  it('reports hits found by one side only', () => {
    const { triggers, hits } = both([reg('2025-11-03'), reg('2025-11-04'), reg('2025-11-05')]);
    const agreement = compareHits(
      triggers,
      [...hits.slice(1), { rule: 'partial-days-in-month', pupilId: 'E9', firedOn: '2025-11-05' }],
      SQL_RULES,
    );
    expect(agreement.agree).toBe(false);
    const byRule = Object.fromEntries(agreement.rules.map((r) => [r.rule, r]));
    expect(byRule['consecutive-days']).toMatchObject({ detect: 1, sql: 0, onlyDetectCount: 1, onlyDetect: ['E1 2025-11-05'] });
    expect(byRule['partial-days-in-month']).toMatchObject({ detect: 0, sql: 1, onlySqlCount: 1, onlySql: ['E9 2025-11-05'] });
  });
});
