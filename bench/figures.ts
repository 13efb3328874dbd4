/**
 * The one report every bench phase contributes to: a figure is a measured value beside the
 * baseline it is compared with in the same run, their ratio, and (where the performance issue set
 * one) the target and whether it was met. `bench/main.ts` prints them as one table and writes
 * them, with the machine's facts, to `bench/results.json`.
 */

/** Which way a figure is better, for its ratio's target. */
export type TargetKind = 'ratio-at-least' | 'ratio-at-most' | 'value-at-most' | 'value-at-least';

export interface FigureTarget {
  kind: TargetKind;
  limit: number;
}

export interface BenchFigure {
  /** The part of the system: `worker`, `history`, `machines`, `detection`, `case list`, `audit`, `intake`. */
  group: string;
  /** What is measured, e.g. `starts per second (through the first workflow task)`. */
  name: string;
  /** `cases/s`, `ms`, `KB`, `events`, … */
  unit: string;
  value: number;
  /** What the value is compared with, measured in the same run; null when nothing compares. */
  baseline: { name: string; value: number } | null;
  /** value ÷ baseline value; null without a baseline (or a zero baseline). */
  ratio: number | null;
  target?: FigureTarget;
  /** Whether the target was met; absent without a target. */
  met?: boolean;
}

/** A figure with its ratio and, given a target, whether it was met. */
export function figure(
  group: string,
  name: string,
  unit: string,
  value: number,
  baseline?: { name: string; value: number } | null,
  target?: FigureTarget,
): BenchFigure {
  const base = baseline ?? null;
  const ratio = base !== null && base.value !== 0 ? value / base.value : null;
  const result: BenchFigure = { group, name, unit, value, baseline: base, ratio };
  if (target) {
    result.target = target;
    result.met = targetMet(target, value, ratio);
  }
  return result;
}

function targetMet(target: FigureTarget, value: number, ratio: number | null): boolean {
  switch (target.kind) {
    case 'ratio-at-least':
      return ratio !== null && ratio >= target.limit;
    case 'ratio-at-most':
      return ratio !== null && ratio <= target.limit;
    case 'value-at-most':
      return value <= target.limit;
    case 'value-at-least':
      return value >= target.limit;
  }
}

/** The target as the table shows it: `≥ 0.9×`, `≤ 1.5×`, `< 200`. */
export function targetText(target: FigureTarget | undefined): string {
  if (!target) return '';
  switch (target.kind) {
    case 'ratio-at-least':
      return `≥ ${target.limit}×`;
    case 'ratio-at-most':
      return `≤ ${target.limit}×`;
    case 'value-at-most':
      return `≤ ${target.limit.toLocaleString('en-US')}`;
    case 'value-at-least':
      return `≥ ${target.limit.toLocaleString('en-US')}`;
  }
}

/** A number as the table shows it: three significant figures below 100, grouped thousands above. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function pad(cells: readonly string[], widths: readonly number[], rightAligned: readonly boolean[]): string {
  return cells
    .map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
}

/** Every figure as one table, grouped: figure, value, baseline, ratio, target, met. */
export function figuresTable(figures: readonly BenchFigure[]): string {
  const header = ['group', 'figure', 'value', 'unit', 'baseline', 'baseline value', 'ratio', 'target', 'met'];
  const rows = figures.map((f) => [
    f.group,
    f.name,
    formatValue(f.value),
    f.unit,
    f.baseline?.name ?? '–',
    f.baseline ? formatValue(f.baseline.value) : '–',
    f.ratio === null ? '–' : `${f.ratio.toFixed(2)}×`,
    targetText(f.target),
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  ]);
  const right = [false, false, true, false, false, true, true, false, false];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [pad(header, widths, right), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => pad(r, widths, right))].join('\n');
}

/** What a phase in a child process sends back: its figures and its own table. */
export interface PhaseFigures {
  figures: BenchFigure[];
  report: string;
}

/** What `bench/results.json` holds: the machine, the versions, the date and every figure. */
export interface BenchResults {
  date: string;
  cores: number;
  memoryGiB: number;
  node: string;
  temporalSdk: string;
  temporalServer: string;
  /** The command line's options, as the run used them. */
  options: Record<string, unknown>;
  /** Phases that broke in this run, each with why; their figures are missing. */
  failedPhases: string[];
  figures: BenchFigure[];
}
