/**
 * The findings as CSV for the school owner: one row per finding, Norwegian headers, `;` as the
 * separator and a byte-order mark, as Norwegian Excel opens a file without asking (the product's
 * other Norwegian CSV, intake/generate.ts, uses `;` too). Text cells go through `spreadsheetSafe`
 * so no cell becomes a formula; cells with `;`, quotes or line breaks are quoted (RFC 4180).
 */
import { spreadsheetSafe } from '../app/text-safety';
import { norwegianDayText } from '../app/oslo-time';
import type { CaseAuditReport } from './report';
import { CASE_RULES } from './rules';
import { severityNames } from './rules';

const DELIMITER = ';';
const BOM = '\ufeff';

export const FINDINGS_CSV_HEADER = [
  'Skole',
  'Sak',
  'Rutine',
  'Versjon',
  'Regel',
  'Regelnavn',
  'Alvorlighet',
  'Paragrafer',
  'Dato',
  'Frist',
  'Utført',
  'Dager for sent',
  'Melding',
] as const;

function cell(value: string): string {
  return value.includes(DELIMITER) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const day = (iso: string | null | undefined) => (iso ? norwegianDayText(iso.slice(0, 10)) : '');

/** The report's findings as CSV text (UTF-8 with BOM, `;`, CRLF line ends). */
export function renderFindingsCsv(report: CaseAuditReport): string {
  const lines = [FINDINGS_CSV_HEADER.join(DELIMITER)];
  for (const c of report.cases) {
    for (const f of c.findings) {
      const cells = [
        spreadsheetSafe(f.schoolId),
        spreadsheetSafe(f.caseRef),
        spreadsheetSafe(f.procedureId),
        String(f.procedureVersion),
        f.rule,
        CASE_RULES[f.rule].title,
        severityNames[f.severity],
        spreadsheetSafe(f.clauses.join(', ')),
        day(f.at),
        day(f.dueAt),
        f.doneAt === null ? 'ikke utført' : day(f.doneAt),
        f.daysLate === undefined ? '' : String(f.daysLate),
        spreadsheetSafe(f.message),
      ];
      lines.push(cells.map(cell).join(DELIMITER));
    }
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
