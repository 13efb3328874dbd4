/**
 * Step 1 of a benchmark size, run in its own process so that the generator's memory does not
 * count in the measured peak RSS: generates one school year of synthetic registrations
 * (intake/generate.ts) and writes it as a Visma-style CSV file, in chunks. The pupils go to
 * schools of about 300 (bench/bench-schools.ts), so the database benchmark can import them
 * against a directory of those schools.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { generate, toCsv } from '../intake/generate';
import { BENCH_PUPILS_PER_SCHOOL, benchSchoolIds } from './bench-schools';

export interface WriteDataTask {
  role: 'write-data';
  pupils: number;
  seed: number;
  file: string;
}

export interface WriteDataResult {
  registrations: number;
  schoolYear: number;
  bytes: number;
  generateMs: number;
  writeMs: number;
  maxRssMb: number;
}

const CHUNK = 20_000;

export function writeData(task: WriteDataTask): WriteDataResult {
  let started = performance.now();
  const data = generate({
    pupils: task.pupils,
    seed: task.seed,
    schoolIds: benchSchoolIds(task.pupils),
    pupilsPerSchool: BENCH_PUPILS_PER_SCHOOL,
  });
  const generateMs = performance.now() - started;

  started = performance.now();
  const fd = openSync(task.file, 'w');
  let bytes = 0;
  try {
    for (let i = 0; i < data.registrations.length || i === 0; i += CHUNK) {
      const csv = toCsv(data.registrations.slice(i, i + CHUNK));
      // toCsv writes a header line per call; the file gets only the first one.
      const text = i === 0 ? csv : csv.slice(csv.indexOf('\n') + 1);
      bytes += writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  return {
    registrations: data.registrations.length,
    schoolYear: data.schoolYear,
    bytes,
    generateMs,
    writeMs: performance.now() - started,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
