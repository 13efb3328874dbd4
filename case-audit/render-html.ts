/**
 * The report as one self-contained HTML page for people, in Norwegian (bokmål), readable without
 * JavaScript: the scope, the counts, a table per school, and every case with findings, each
 * finding with its rule, clauses, dates and days late. Rendered from the parsed report only, so
 * a pseudonymised report cannot show more than its JSON holds.
 */
import { norwegianDayText } from '../app/oslo-time';
import type { AuditedCase, CaseAuditReport, ReportFinding } from './report';
import { CASE_RULES, severityNames } from './rules';

/** Text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const e = escapeHtml;
const day = (iso: string | null | undefined) => (iso ? norwegianDayText(iso.slice(0, 10)) : '');
const statusNames = { open: 'åpen', closed: 'avsluttet' } as const;

function findingRow(f: ReportFinding): string {
  return `<tr class="funn ${e(f.severity)}"><td>${e(CASE_RULES[f.rule].title)}<br><code>${e(f.rule)}</code></td><td>${e(severityNames[f.severity])}</td><td>${e(f.clauses.join(', '))}</td><td>${e(day(f.at))}</td><td>${e(day(f.dueAt))}</td><td>${f.doneAt === null ? 'ikke utført' : e(day(f.doneAt))}</td><td>${f.daysLate ?? ''}</td><td>${e(f.message)}</td></tr>`;
}

function caseSection(c: AuditedCase): string {
  const who = c.pupilName ? `${e(c.pupilName)} (${e(c.pupilId)})` : e(c.pupilId);
  const contact = c.daysToFirstContact === null ? 'ingen kontakt registrert' : `${c.daysToFirstContact} dager`;
  return `<section class="sak" id="${e(c.caseRef)}">
<h3>Sak ${e(c.caseRef)}</h3>
<p>Skole ${e(c.schoolId)} · elev ${who} · ${e(c.procedure.name)} (versjon ${c.procedure.version}) · åpnet ${e(day(c.openedAt))} · ${statusNames[c.status]}${c.closing ? ` ${e(day(c.closing.at))}` : ''} · ${c.runs} kjøring${c.runs === 1 ? '' : 'er'} · tid til første kontakt med foresatte: ${contact}</p>
${c.conforming ? '<p class="ok">Historikken følger rutinen.</p>' : `<ul class="avvik">${c.conformance.map((i) => `<li>${e(day(i.at))}: ${e(i.message)}</li>`).join('')}</ul>`}
${
  c.findings.length === 0
    ? '<p class="ok">Ingen funn.</p>'
    : `<table><thead><tr><th>Regel</th><th>Alvorlighet</th><th>Paragrafer</th><th>Dato</th><th>Frist</th><th>Utført</th><th>Dager for sent</th><th>Funn</th></tr></thead><tbody>${c.findings.map(findingRow).join('')}</tbody></table>`
}
</section>`;
}

/** The HTML page of the report. */
export function renderCaseAuditHtml(report: CaseAuditReport): string {
  const s = report.summary;
  const scope = [
    report.scope.schoolId ? `skole ${report.scope.schoolId}` : 'alle skoler',
    report.scope.from ? `åpnet fra ${day(report.scope.from)}` : '',
    report.scope.to ? `til ${day(report.scope.to)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const ruleRows = report.rules
    .map(
      (r) =>
        `<tr><td>${e(r.title)}<br><code>${e(r.rule)}</code></td><td>${e(severityNames[r.severity])}</td><td>${s.findingsByRule[r.rule] ?? 0}</td></tr>`,
    )
    .join('');
  const schoolRows = report.schools
    .map(
      (sc) =>
        `<tr><td>${e(sc.schoolId)}</td><td>${sc.cases}</td><td>${sc.conforming}</td><td>${sc.withoutFindings}</td><td>${sc.findings}</td><td>${sc.medianDaysToFirstContact === null ? '–' : String(sc.medianDaysToFirstContact).replace('.', ',')}</td></tr>`,
    )
    .join('');
  const withFindings = report.cases.filter((c) => c.findings.length > 0 || !c.conforming);
  return `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<title>Revisjon av fraværssaker</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 75rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.high td:first-child { border-left: 4px solid #b00020; }
.medium td:first-child { border-left: 4px solid #c77800; }
.ok { color: #1b5e20; }
.avvik li { color: #b00020; }
</style>
</head>
<body>
<h1>Revisjon av fraværssaker</h1>
<p>Fulgte skolen opp hver elev med bekymringsfullt fravær slik rutinen sier? Utvalg: ${e(scope)}. Revidert per ${e(day(report.auditedAt))}, laget ${e(day(report.generatedAt))} · skjemaversjon ${report.schemaVersion}${report.pseudonymised ? ' · pseudonymisert (ingen navn, ingen fritekst)' : ''}.</p>
<h2>Oppsummering</h2>
<table><tbody>
<tr><th>Saker</th><td>${s.cases}</td></tr>
<tr><th>Saker som følger rutinen (historikken)</th><td>${s.conforming}</td></tr>
<tr><th>Saker uten funn</th><td>${s.withoutFindings}</td></tr>
<tr><th>Funn</th><td>${s.findings}</td></tr>
</tbody></table>
<h2>Funn per regel</h2>
<table><thead><tr><th>Regel</th><th>Alvorlighet</th><th>Funn</th></tr></thead><tbody>${ruleRows}</tbody></table>
<h2>Per skole</h2>
<table><thead><tr><th>Skole</th><th>Saker</th><th>Følger rutinen</th><th>Uten funn</th><th>Funn</th><th>Median dager til første kontakt</th></tr></thead><tbody>${schoolRows}</tbody></table>
<h2>Saker med funn (${withFindings.length})</h2>
${withFindings.length === 0 ? '<p class="ok">Ingen saker har funn.</p>' : withFindings.map(caseSection).join('\n')}
</body>
</html>
`;
}
