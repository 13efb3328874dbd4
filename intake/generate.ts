/**
 * Deterministic synthetic absence data for tests, demos and load measurements: schools, pupils
 * and one school year of registrations with the patterns follow-up has to recognise. The same
 * options and seed always give the same data (seeded PRNG; no Math.random, no clock). Pupils go
 * only to schools of the school directory (by default the committed one's S001–S020), so every
 * generated row can be imported; the CSV it writes is safe to open in a spreadsheet.
 *
 * Its command line (`npm run generate`) is cli/generate.ts.
 */
import { addDays, format, getDay, setISOWeek, startOfISOWeek } from 'date-fns';
import { spreadsheetSafe } from '../app/text-safety';
import type { Registration } from './registration-schema';
import { norwegianDayText } from '../app/oslo-time';

/** mulberry32: small, fast, good enough for synthetic data; not for anything secret. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (d: Date) => format(d, 'yyyy-MM-dd');

/** Easter Sunday (Gregorian, anonymous algorithm). */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(year, month - 1, day);
}

function isoWeekMonday(year: number, week: number): Date {
  return startOfISOWeek(setISOWeek(new Date(year, 0, 4), week));
}

function range(from: Date, days: number): string[] {
  return Array.from({ length: days }, (_, i) => iso(addDays(from, i)));
}

/**
 * A simplified, built-in list of days without school in the school year starting in August of
 * `startYear` (real dates vary by county; this is for synthetic data only):
 * autumn break ISO week 40, Christmas 21 Dec – 1 Jan, winter break ISO week 8, Easter from the
 * Monday of Holy Week to Easter Monday, 1 May, 17 May, Ascension Day and Whit Monday.
 */
export function schoolHolidays(startYear: number): Set<string> {
  const next = startYear + 1;
  const easter = easterSunday(next);
  return new Set([
    ...range(isoWeekMonday(startYear, 40), 5),
    ...range(new Date(startYear, 11, 21), 12),
    ...range(isoWeekMonday(next, 8), 5),
    ...range(addDays(easter, -6), 8),
    `${next}-05-01`,
    `${next}-05-17`,
    iso(addDays(easter, 39)),
    iso(addDays(easter, 50)),
  ]);
}

/** School days (Mon–Fri, not in `schoolHolidays`) from 18 August to 20 June. */
export function schoolDays(startYear: number): string[] {
  const holidays = schoolHolidays(startYear);
  const days: string[] = [];
  const last = iso(new Date(startYear + 1, 5, 20));
  for (let d = new Date(startYear, 7, 18); iso(d) <= last; d = addDays(d, 1)) {
    const weekday = getDay(d);
    if (weekday !== 0 && weekday !== 6 && !holidays.has(iso(d))) days.push(iso(d));
  }
  return days;
}

export const ABSENCE_PATTERNS = ['little', 'sporadic-illness', 'consecutive-days', 'partial-days', 'growing', 'unnotified'] as const;
export type AbsencePattern = (typeof ABSENCE_PATTERNS)[number];

/** Share of pupils per pattern; `little` takes whatever the others leave. */
const patternShare: Record<Exclude<AbsencePattern, 'little'>, number> = {
  'sporadic-illness': 0.15,
  'consecutive-days': 0.08,
  'partial-days': 0.08,
  growing: 0.04,
  unnotified: 0.04,
};

/** Reason codes the generator uses (the importer accepts any non-empty code). */
export const REASON_CODES = { illness: 'SYK', doctor: 'LEGE', welfare: 'VELFERD', unknown: 'UKJENT' } as const;

export interface School {
  schoolId: string;
  name: string;
  grades: readonly [number, number];
}
export interface Pupil {
  pupilId: string;
  schoolId: string;
  grade: number;
  pattern: AbsencePattern;
}
export interface GeneratedData {
  schoolYear: number;
  schoolDays: string[];
  schools: School[];
  pupils: Pupil[];
  registrations: Registration[];
}

/**
 * The schools of the committed school directory (config/schools.json), in order: five per
 * procedure. A test checks that the two lists agree, so generated data always imports cleanly.
 */
export const SYNTHETIC_SCHOOL_IDS: readonly string[] = Array.from({ length: 20 }, (_, i) => `S${String(i + 1).padStart(3, '0')}`);

export interface GenerateOptions {
  pupils: number;
  seed: number;
  /** Calendar year the school year starts in (August). */
  schoolYear?: number;
  /** Pupils per school while there are schools left; more pupils than the schools hold fill them evenly. */
  pupilsPerSchool?: number;
  /** Schools to fill, in order (default SYNTHETIC_SCHOOL_IDS). */
  schoolIds?: readonly string[];
}

const schoolKinds: readonly { suffix: string; grades: readonly [number, number] }[] = [
  { suffix: 'barneskole', grades: [1, 7] },
  { suffix: 'ungdomsskole', grades: [8, 10] },
  { suffix: 'skole', grades: [1, 10] },
];

/** Generates pupils and their registrations; every pattern occurs once there are ≥ 6 pupils. */
export function generate(options: GenerateOptions): GeneratedData {
  const rng = createRng(options.seed);
  const int = (min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
  const schoolYear = options.schoolYear ?? 2025;
  const days = schoolDays(schoolYear);
  const schoolIds = options.schoolIds ?? SYNTHETIC_SCHOOL_IDS;
  if (schoolIds.length === 0) throw new Error('Generatoren trenger minst én skole.');
  // Up to `pupilsPerSchool` a school while schools are left; beyond that the schools grow evenly,
  // so no pupil is ever placed at a school outside the directory.
  const perSchool = Math.max(options.pupilsPerSchool ?? 300, Math.ceil(options.pupils / schoolIds.length));

  const schools: School[] = Array.from({ length: Math.max(1, Math.ceil(options.pupils / perSchool)) }, (_, i) => {
    const kind = schoolKinds[i % schoolKinds.length] ?? schoolKinds[0]!;
    const no = String(i + 1).padStart(3, '0');
    return { schoolId: schoolIds[i]!, name: `Syntetisk ${kind.suffix} ${no}`, grades: kind.grades };
  });

  // Quotas first (at least one of each pattern when there is room), then a seeded shuffle.
  const patterns: AbsencePattern[] = [];
  for (const [pattern, share] of Object.entries(patternShare) as [AbsencePattern, number][]) {
    const quota = Math.max(options.pupils >= ABSENCE_PATTERNS.length ? 1 : 0, Math.round(options.pupils * share));
    for (let i = 0; i < quota && patterns.length < options.pupils; i++) patterns.push(pattern);
  }
  while (patterns.length < options.pupils) patterns.push('little');
  for (let i = patterns.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [patterns[i], patterns[j]] = [patterns[j] as AbsencePattern, patterns[i] as AbsencePattern];
  }

  const pupils: Pupil[] = [];
  const registrations: Registration[] = [];
  patterns.forEach((pattern, index) => {
    const school = schools[Math.floor(index / perSchool)] ?? schools[0]!;
    const pupil: Pupil = {
      pupilId: `E${String(index + 1).padStart(6, '0')}`,
      schoolId: school.schoolId,
      grade: int(school.grades[0], school.grades[1]),
      pattern,
    };
    pupils.push(pupil);
    const taken = new Set<number>();
    const own: Registration[] = [];
    const base = { pupilId: pupil.pupilId, schoolId: pupil.schoolId, grade: pupil.grade };
    const wholeDay = (dayIndex: number, reason: string, notified: boolean, note?: string) => {
      const date = days[dayIndex];
      if (date === undefined || taken.has(dayIndex)) return;
      taken.add(dayIndex);
      own.push({
        ...base,
        date,
        wholeDay: true,
        valid: notified && reason !== REASON_CODES.unknown,
        notifiedByGuardians: notified,
        lateArrival: false,
        leftDuringDay: false,
        reasonCode: reason,
        ...(note === undefined ? {} : { note }),
      });
    };
    const episode = (length: number, reason: string, notified: boolean) => {
      const start = int(0, days.length - length);
      for (let d = start; d < start + length; d++) wholeDay(d, reason, notified);
    };

    switch (pattern) {
      case 'little':
        for (let n = int(0, 3); n > 0; n--) wholeDay(int(0, days.length - 1), REASON_CODES.illness, rng() < 0.95);
        break;
      case 'sporadic-illness':
        for (let n = int(4, 8); n > 0; n--) episode(int(1, 2), REASON_CODES.illness, true);
        if (rng() < 0.5) wholeDay(int(0, days.length - 1), REASON_CODES.doctor, true, 'Tannlege, kl. 10');
        break;
      case 'consecutive-days':
        for (let n = int(1, 2); n > 0; n--) episode(int(3, 6), pick([REASON_CODES.illness, REASON_CODES.welfare]), true);
        break;
      case 'partial-days':
        for (let n = int(8, 20); n > 0; n--) {
          const dayIndex = int(0, days.length - 1);
          const date = days[dayIndex];
          if (date === undefined || taken.has(dayIndex)) continue;
          taken.add(dayIndex);
          const late = rng() < 0.7;
          const notified = rng() < 0.3;
          own.push({
            ...base,
            date,
            wholeDay: false,
            ...(late ? { minutes: int(5, 45) } : { lessons: int(1, 4) }),
            valid: notified,
            notifiedByGuardians: notified,
            lateArrival: late,
            leftDuringDay: !late,
            reasonCode: notified ? REASON_CODES.doctor : REASON_CODES.unknown,
          });
        }
        break;
      case 'growing':
        // Absence probability rises from about 1 % a day in August to about 30 % in June.
        days.forEach((_, d) => {
          const share = d / days.length;
          if (rng() < 0.01 + 0.3 * share * share) wholeDay(d, pick([REASON_CODES.illness, REASON_CODES.unknown]), rng() < 0.6);
        });
        break;
      case 'unnotified':
        for (let n = int(4, 10); n > 0; n--) wholeDay(int(0, days.length - 1), REASON_CODES.unknown, false);
        break;
    }
    registrations.push(...own.sort((a, b) => a.date.localeCompare(b.date)));
  });
  return { schoolYear, schoolDays: days, schools, pupils, registrations };
}

export type CsvStyle = 'norwegian' | 'canonical';

const norwegianHeader = [
  'elev',
  'skole',
  'trinn',
  'dato',
  'heldag',
  'timer',
  'minutter',
  'gyldig',
  'meldt',
  'forsent',
  'gikk',
  'årsak',
  'merknad',
];
const canonicalHeader = [
  'pupilId',
  'schoolId',
  'grade',
  'date',
  'wholeDay',
  'lessons',
  'minutes',
  'valid',
  'notifiedByGuardians',
  'lateArrival',
  'leftDuringDay',
  'reasonCode',
  'note',
];

/** Quotes a cell when it holds the delimiter, a quote or a line break (RFC 4180). */
function cell(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * CSV text of registrations. `norwegian` looks like a Visma Flyt Skole export (`;`, Norwegian
 * headers, dd.MM.yyyy, ja/nei); `canonical` uses `,`, English names, yyyy-MM-dd and true/false.
 * Text fields (ids, reason code, note) go through `spreadsheetSafe`, so a cell such as
 * `=HYPERLINK(...)` is written as text (`'=HYPERLINK(...)`); numbers, dates and booleans are the
 * product's own and are written as they are.
 */
export function toCsv(registrations: readonly Registration[], style: CsvStyle = 'norwegian'): string {
  const no = style === 'norwegian';
  const delimiter = no ? ';' : ',';
  const bool = (b: boolean) => (no ? (b ? 'ja' : 'nei') : String(b));
  const date = (d: string) => (no ? norwegianDayText(d) : d);
  const lines = [(no ? norwegianHeader : canonicalHeader).join(delimiter)];
  for (const r of registrations) {
    const cells = [
      spreadsheetSafe(r.pupilId),
      spreadsheetSafe(r.schoolId),
      String(r.grade),
      date(r.date),
      bool(r.wholeDay),
      r.lessons === undefined ? '' : String(r.lessons),
      r.minutes === undefined ? '' : String(r.minutes),
      bool(r.valid),
      bool(r.notifiedByGuardians),
      bool(r.lateArrival),
      bool(r.leftDuringDay),
      spreadsheetSafe(r.reasonCode),
      spreadsheetSafe(r.note ?? ''),
    ];
    lines.push(cells.map((c) => cell(c, delimiter)).join(delimiter));
  }
  return `${lines.join('\n')}\n`;
}
