/**
 * Runs veraPDF (installed by scripts/install-verapdf.sh in .tools/verapdf/) to check that PDF
 * files are PDF/A-2b, and reads its XML report. The JVM takes a second or two to start, so
 * `validatePdfAFiles` checks many files in one run; `validatePdfA` is the one-file shorthand.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from './tools';

const VERAPDF_LIB = resolve(PROJECT_ROOT, '.tools', 'verapdf', 'lib');
/** The command-line entry point inside greenfield-apps (its manifest names the GUI's). */
const MAIN_CLASS = 'org.verapdf.apps.GreenfieldCliWrapper';

export interface PdfAResult {
  compliant: boolean;
  /** One line per failed rule: `clause-test: description`, or why the file could not be checked. */
  failures: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML character data as text (the five named entities and numeric references). */
function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity.toLowerCase()] ?? entity;
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match?.[1] === undefined ? undefined : unescapeXml(match[1]);
}

function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : unescapeXml(match[1].trim());
}

/** One job of the report (one file) as a result, keyed by the file's name as veraPDF gives it. */
function parseJob(job: string): [string, PdfAResult] {
  const file = element(job, 'name') ?? '(ukjent fil)';
  const report = /<validationReport\s[^>]*>/.exec(job)?.[0];
  if (report === undefined) {
    const reason = element(job, 'exceptionMessage') ?? element(job, 'taskException') ?? 'veraPDF ga ingen valideringsrapport';
    return [file, { compliant: false, failures: [`kunne ikke valideres: ${reason}`] }];
  }
  const failures: string[] = [];
  for (const rule of job.matchAll(/<rule\s[^>]*status="failed"[^>]*>[\s\S]*?<\/rule>/g)) {
    const tag = /<rule\s[^>]*>/.exec(rule[0])?.[0] ?? '';
    failures.push(`${attribute(tag, 'clause') ?? '?'}-${attribute(tag, 'testNumber') ?? '?'}: ${element(rule[0], 'description') ?? ''}`);
  }
  return [file, { compliant: attribute(report, 'isCompliant') === 'true', failures }];
}

/** The results in a veraPDF XML report, by file name. */
export function parseVeraPdfReport(xml: string): Map<string, PdfAResult> {
  const results = new Map<string, PdfAResult>();
  for (const job of xml.matchAll(/<job>([\s\S]*?)<\/job>/g)) {
    const [file, result] = parseJob(job[1] ?? '');
    results.set(file, result);
  }
  return results;
}

function runVeraPdf(files: string[]): Promise<string> {
  if (!existsSync(resolve(VERAPDF_LIB, '..', 'installed-version'))) {
    return Promise.reject(
      new Error(
        `veraPDF mangler i ${VERAPDF_LIB}: kjør «bash scripts/install-verapdf.sh» (eller «npm run setup -- --with-postgres») først`,
      ),
    );
  }
  const args = ['-cp', `${VERAPDF_LIB}/*`, MAIN_CLASS, '--flavour', '2b', '--format', 'xml', ...files];
  return new Promise((done, fail) => {
    execFile('java', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      // A whole report says file by file what was wrong, whatever the exit code (1: some file is
      // not compliant, 7: some file could not be parsed); without one, veraPDF itself failed.
      if (stdout.includes('</report>')) {
        done(stdout);
        return;
      }
      const reason =
        error?.code === 'ENOENT' ? 'fant ikke «java» (veraPDF trenger Java 17 eller nyere)' : ((stderr.trim() || error?.message) ?? '');
      fail(new Error(`veraPDF feilet: ${reason}`));
    });
  });
}

/** Validates each file as PDF/A-2b in one veraPDF run; the map is keyed by the absolute path. */
export async function validatePdfAFiles(files: string[]): Promise<Map<string, PdfAResult>> {
  const paths = files.map((file) => resolve(file));
  const report = parseVeraPdfReport(await runVeraPdf(paths));
  return new Map(
    paths.map((path) => [path, report.get(path) ?? { compliant: false, failures: ['veraPDF sin rapport nevner ikke filen'] }]),
  );
}

/** Validates one file as PDF/A-2b. */
export async function validatePdfA(file: string): Promise<PdfAResult> {
  const results = await validatePdfAFiles([file]);
  return results.get(resolve(file)) ?? { compliant: false, failures: ['veraPDF sin rapport nevner ikke filen'] };
}
