/**
 * `bench/results.json`: the run's figures with what they were measured on (cores, memory, Node,
 * the Temporal SDK and server versions, the date and the options), so runs on other machines or
 * after a change can be compared figure by figure. The README's benchmark table is this file's
 * latest run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { temporalCliPath } from '../scripts/lib/tools';
import type { BenchFigure, BenchResults } from './figures';

/** The Temporal server the dev server runs: `temporal --version` says «… (Server 1.32.0, UI …)». */
export function temporalServerVersion(): string {
  try {
    const text = execFileSync(temporalCliPath(), ['--version'], { encoding: 'utf8' });
    return /Server ([\d.]+)/.exec(text)?.[1] ?? text.trim();
  } catch {
    return 'unknown';
  }
}

function temporalSdkVersion(): string {
  const manifest = JSON.parse(readFileSync(require.resolve('@temporalio/worker/package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

export function benchResults(
  figures: readonly BenchFigure[],
  options: Record<string, unknown>,
  failedPhases: readonly string[] = [],
  date = new Date(),
): BenchResults {
  return {
    date: date.toISOString(),
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    temporalSdk: temporalSdkVersion(),
    temporalServer: temporalServerVersion(),
    options,
    failedPhases: [...failedPhases],
    figures: [...figures],
  };
}

export function writeBenchResults(file: string, results: BenchResults): void {
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
