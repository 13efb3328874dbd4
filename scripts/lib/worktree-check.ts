/**
 * Checks that a test run left the git working tree as it found it. A fresh clone must stay
 * clean after `npm test` (no lock file rewritten by an install, no generated file written where
 * git sees it), so scripts/test.sh records `git status` before it installs anything and runs
 * this at the end:
 *
 *   node --import tsx scripts/lib/worktree-check.ts <file with the status before the run> [dir]
 *
 * When the tree was clean before, it must be clean after: every file git reports is listed. A
 * developer's tree with work in progress is dirty from the start; there the check lists what
 * the run added or changed in `git status` and leaves the developer's own changes alone.
 * Histories re-recorded on purpose (RECORD_HISTORIES=1) are the one expected change.
 * Exits 0 when the tree is as it should be, EXIT.checkFailed (listing the files) when not.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { EXIT } from '../../app/exit-codes';
import { PROJECT_ROOT } from './tools';

/** Where re-recorded histories go (test/helpers/case-env.ts). */
export const RECORDED_HISTORIES_DIR = 'test/workflows/histories/';

/**
 * `git status --porcelain` lines for `dir` (untracked files one by one, limited to `dir`), or
 * undefined when `dir` is not inside a git working tree.
 */
export function worktreeStatus(dir: string): string[] | undefined {
  try {
    execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const out = execFileSync('git', ['status', '--porcelain=v1', '--untracked-files=all', '--', '.'], { cwd: dir, encoding: 'utf8' });
  return parseStatus(out);
}

export function parseStatus(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** The path a porcelain line is about (the new name of a rename). */
export function statusPath(line: string): string {
  const path = line.slice(3);
  const arrow = path.indexOf(' -> ');
  return arrow === -1 ? path : path.slice(arrow + 4);
}

export interface WorktreeVerdict {
  /** `clean`: the tree was clean before, so it must be clean after; `compared`: it was not. */
  mode: 'clean' | 'compared';
  /** Status lines the run is to blame for. */
  dirty: string[];
  /** Status lines that were expected (histories recorded on purpose). */
  expected: string[];
}

export function judgeWorktree(before: string[], after: string[], options: { recordingHistories?: boolean } = {}): WorktreeVerdict {
  const mode = before.length === 0 ? 'clean' : 'compared';
  const seen = new Set(before);
  const changed = after.filter((line) => !seen.has(line));
  const isExpected = (line: string) => options.recordingHistories === true && statusPath(line).startsWith(RECORDED_HISTORIES_DIR);
  return { mode, dirty: changed.filter((line) => !isExpected(line)), expected: changed.filter(isExpected) };
}

export function describeVerdict(verdict: WorktreeVerdict, beforeCount: number): string[] {
  const lines: string[] = [];
  if (verdict.mode === 'compared') {
    lines.push(
      `Arbeidskatalogen hadde ${beforeCount} endrede eller nye filer før testkjøringen; sjekken ser bare på det kjøringen endret.`,
    );
  }
  if (verdict.expected.length > 0) {
    lines.push(
      `Historikker tatt opp på nytt med RECORD_HISTORIES=1 (ventet, husk å committe dem):`,
      ...verdict.expected.map((l) => `  ${l}`),
    );
  }
  if (verdict.dirty.length > 0) {
    lines.push(
      verdict.mode === 'clean'
        ? `Testkjøringen etterlot arbeidskatalogen endret (git status --porcelain er ikke tom):`
        : `Testkjøringen endret arbeidskatalogen:`,
      ...verdict.dirty.map((l) => `  ${l}`),
      'Det kjøringen skriver, hører hjemme i en mappe git ignorerer (data/, reports/, en midlertidig mappe); en endret package-lock.json betyr at låsefilen ikke er komplett.',
    );
  } else {
    lines.push('Arbeidskatalogen er som før testkjøringen.');
  }
  return lines;
}

function main(argv: string[]): number {
  const [beforeFile, dir = PROJECT_ROOT] = argv;
  if (!beforeFile || argv.length > 2) {
    console.error(`bruk: worktree-check.ts <fil med git status fra før kjøringen> [mappe] (fikk «${argv.join(' ')}»)`);
    return EXIT.usage;
  }
  const after = worktreeStatus(dir);
  if (after === undefined) {
    console.log('Ikke en git-arbeidskatalog; sjekken av git status hoppes over.');
    return EXIT.ok;
  }
  const before = parseStatus(readFileSync(beforeFile, 'utf8'));
  const verdict = judgeWorktree(before, after, { recordingHistories: process.env.RECORD_HISTORIES === '1' });
  const report = describeVerdict(verdict, before.length).join('\n');
  if (verdict.dirty.length > 0) {
    console.error(report);
    return EXIT.checkFailed;
  }
  console.log(report);
  return EXIT.ok;
}

if (require.main === module) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    console.error(`Sjekken av arbeidskatalogen feilet: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(EXIT.internalError);
  }
}
