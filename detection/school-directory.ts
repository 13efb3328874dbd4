/**
 * Which procedure each school follows and which school calendar it keeps, read from a JSON file
 * (SCHOOLS_CONFIG, app/settings.ts; format in docs/absence-format.md).
 * A school belongs to a municipality; the municipality decides the procedure, its policy
 * overrides, detection thresholds and school holidays. Validated with zod once when loaded, so a
 * typo fails at start-up with the path of the bad field, not on the first import.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { getProcedure } from '../machines/registry';
import { schoolIdSchema } from '../machines/identifiers';
import { describeIssues, parseOptions } from '../machines/zod-issues';
import { resolveDetectionPolicy } from './policy';
import { type SchoolCalendar, buildSchoolCalendar, schoolCalendarConfigSchema } from './school-calendar';

const municipalitySchema = z.object({
  name: z.string().trim().min(1, 'navnet kan ikke være tomt'),
  /** Registered procedure id (machines/registry.ts). */
  procedureId: z.string().trim().min(1, 'rutinen (procedureId) kan ikke være tom'),
  /** Overrides of the procedure's case policy (deadlines), checked by the procedure's schema. */
  policyOverrides: z.record(z.string(), z.unknown()).optional(),
  /** Overrides of the detection thresholds (detection/policy.ts). */
  detectionOverrides: z.record(z.string(), z.unknown()).optional(),
  calendar: schoolCalendarConfigSchema,
  /** The municipality's written standard (målform): staff messages and the guardians' default are written in it. */
  writtenStandard: z
    .enum(['bokmal', 'nynorsk'], { error: 'målformen (writtenStandard) må være «bokmal» eller «nynorsk»' })
    .default('bokmal'),
});

const directorySchema = z
  .object({
    formatVersion: z.literal(1),
    municipalities: z.record(z.string().trim().min(1), municipalitySchema),
    schools: z
      .array(
        z.object({
          /** The same safe pattern as every school id in the product (machines/identifiers.ts). */
          schoolId: schoolIdSchema,
          name: z.string().trim().min(1, 'navnet kan ikke være tomt'),
          municipality: z.string().trim().min(1, 'kommunen kan ikke være tom'),
        }),
      )
      .min(1, 'katalogen må ha minst én skole'),
  })
  .superRefine((dir, ctx) => {
    const seen = new Set<string>();
    dir.schools.forEach((school, i) => {
      if (seen.has(school.schoolId))
        ctx.addIssue({ code: 'custom', path: ['schools', i, 'schoolId'], message: `skolen «${school.schoolId}» står to ganger` });
      seen.add(school.schoolId);
      if (!(school.municipality in dir.municipalities)) {
        ctx.addIssue({
          code: 'custom',
          path: ['schools', i, 'municipality'],
          message: `ukjent kommune «${school.municipality}»; kommunene i katalogen: ${Object.keys(dir.municipalities).join(', ')}`,
        });
      }
    });
    for (const [id, m] of Object.entries(dir.municipalities)) {
      try {
        getProcedure(m.procedureId);
        resolveDetectionPolicy(m.procedureId, m.detectionOverrides);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['municipalities', id], message: (err as Error).message });
      }
    }
  });

export type SchoolDirectoryConfig = z.input<typeof directorySchema>;

/** Everything detection and case opening need to know about one school. */
export interface SchoolSettings {
  schoolId: string;
  name: string;
  municipality: string;
  /** The municipality's name, as documents and messages show it. */
  municipalityName: string;
  writtenStandard: 'bokmal' | 'nynorsk';
  procedureId: string;
  policyOverrides?: Record<string, unknown>;
  detectionOverrides?: Record<string, unknown>;
  calendar: SchoolCalendar;
}

export class SchoolDirectoryError extends Error {
  override name = 'SchoolDirectoryError';
}

export interface SchoolDirectory {
  /** The school's settings, or undefined when the school is not configured. */
  get(schoolId: string): SchoolSettings | undefined;
  schoolIds(): string[];
}

/** Builds the directory from parsed JSON. Throws SchoolDirectoryError naming every bad field. */
export function buildSchoolDirectory(config: unknown, source = 'skolekatalogen'): SchoolDirectory {
  const parsed = directorySchema.safeParse(config, parseOptions);
  if (!parsed.success) {
    throw new SchoolDirectoryError(
      `Ugyldig skolekatalog (${source}):\n${describeIssues(parsed.error, '(katalogen)', config)
        .map((l) => `  ${l}`)
        .join('\n')}`,
    );
  }
  // One calendar per municipality: building it computes every day of its years once.
  const calendars = new Map(Object.entries(parsed.data.municipalities).map(([id, m]) => [id, buildSchoolCalendar(m.calendar)]));
  const schools = new Map<string, SchoolSettings>();
  for (const school of parsed.data.schools) {
    const m = parsed.data.municipalities[school.municipality] as z.infer<typeof municipalitySchema>;
    schools.set(school.schoolId, {
      schoolId: school.schoolId,
      name: school.name,
      municipality: school.municipality,
      municipalityName: m.name,
      writtenStandard: m.writtenStandard,
      procedureId: m.procedureId,
      ...(m.policyOverrides ? { policyOverrides: m.policyOverrides } : {}),
      ...(m.detectionOverrides ? { detectionOverrides: m.detectionOverrides } : {}),
      calendar: calendars.get(school.municipality) as SchoolCalendar,
    });
  }
  return {
    get: (schoolId) => schools.get(schoolId),
    schoolIds: () => [...schools.keys()].sort(),
  };
}

/** Reads and validates the directory file. */
export async function loadSchoolDirectory(file: string): Promise<SchoolDirectory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SchoolDirectoryError(`Finner ikke skolekatalogen ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SchoolDirectoryError(`Skolekatalogen ${file} er ikke gyldig JSON: ${(err as Error).message}`);
  }
  return buildSchoolDirectory(json, file);
}
