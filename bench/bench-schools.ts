/**
 * The schools of the benchmark's generated data and a school directory for them. The generator
 * is given about 300 pupils a school (a Norwegian school's size) instead of its 20 default
 * schools, so a bigger country means more schools of the same size, as in reality; that is what
 * lets detection's peak memory on a database stay flat while the country grows (it reads one
 * school at a time). The directory puts every school in one synthetic municipality with one
 * procedure and the generator's own calendar (bench/calendar.ts).
 */
import { type SchoolDirectory, buildSchoolDirectory } from '../detection/school-directory';
import { benchCalendarConfig } from './calendar';

/** Pupils per generated school. */
export const BENCH_PUPILS_PER_SCHOOL = 300;

/** The school ids for `pupils` pupils: B0001, B0002, … (one per 300 pupils, at least one). */
export function benchSchoolIds(pupils: number): string[] {
  const count = Math.max(1, Math.ceil(pupils / BENCH_PUPILS_PER_SCHOOL));
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `B${String(i + 1).padStart(width, '0')}`);
}

/** A directory of `schoolIds` in one municipality following `procedureId` on the generator's calendar. */
export function benchSchoolDirectory(schoolIds: readonly string[], schoolYear: number, procedureId: string): SchoolDirectory {
  return buildSchoolDirectory(
    {
      formatVersion: 1,
      municipalities: {
        bench: { name: 'Syntetisk kommune (benchmark)', procedureId, calendar: benchCalendarConfig(schoolYear) },
      },
      schools: schoolIds.map((schoolId) => ({ schoolId, name: `Syntetisk skole ${schoolId}`, municipality: 'bench' })),
    },
    'benchmarkens skolekatalog',
  );
}
