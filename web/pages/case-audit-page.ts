/**
 * «Revisjon av saker»: the audit of the cases that really ran, for auditors. A form picks the
 * school, the period (cases opened in it) and whether the report is pseudonymised (the county
 * governor's copy: no names, pseudonymous ids); the answer shows per school how many cases
 * followed the procedure and, case by case, each finding with the clause it cites, and links to
 * the same report as CSV (for the school owner) and JSON (for programs).
 */
import type { CaseAuditReport, ReportFinding } from '../../case-audit/report';
import { CASE_RULES, severityNames } from '../../case-audit/rules';
import { type SafeHtml, html } from '../html';
import { dayText, timeText } from './format';
import { messageBox } from './layout';
import { caseUrl } from './urls';

/** What the form was filled with (as typed, so it is shown again). */
export interface CaseAuditForm {
  skole: string;
  fra: string;
  til: string;
  pseudonymisert: boolean;
}

export interface CaseAuditPageInput {
  form: CaseAuditForm;
  /** The schools the user may audit; `allowAll` adds «alle skoler». */
  schoolChoices: { schoolId: string; name: string }[];
  allowAll: boolean;
  schoolName: (schoolId: string) => string;
  /** Present once the audit has run. */
  report?: CaseAuditReport;
  /** The query string of this audit, for the download links. */
  query?: string;
}

export const CASE_AUDIT_URL = '/revisjon/saker';
export const CASE_AUDIT_CSV_URL = '/revisjon/saker/funn.csv';
export const CASE_AUDIT_JSON_URL = '/revisjon/saker/saker.json';

const days = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : `${n.toLocaleString('nb-NO', { maximumFractionDigits: 1 })} ${n === 1 ? 'dag' : 'dager'}`;

function form(input: CaseAuditPageInput): SafeHtml {
  const f = input.form;
  return html`<form method="get" action="${CASE_AUDIT_URL}" class="filters">
    <input type="hidden" name="vis" value="1" />
    <label
      >Skole
      <select name="skole">
        ${input.allowAll ? html`<option value="" ${f.skole === '' ? html`selected` : ''}>Alle skoler</option>` : ''}
        ${input.schoolChoices.map(
          (s) => html`<option value="${s.schoolId}" ${s.schoolId === f.skole ? html`selected` : ''}>${s.name} (${s.schoolId})</option>`,
        )}
      </select>
    </label>
    <label>Saker åpnet fra <input type="date" name="fra" value="${f.fra}" /></label>
    <label>til og med <input type="date" name="til" value="${f.til}" /></label>
    <label
      ><input type="checkbox" name="pseudonymisert" value="1" ${f.pseudonymisert ? html`checked` : ''} /> Pseudonymisert (uten navn og
      fritekst, for Statsforvalteren)</label
    >
    <button type="submit">Revider sakene</button>
  </form>`;
}

function caseLabel(report: CaseAuditReport, finding: ReportFinding): SafeHtml {
  const audited = report.cases.find((c) => c.caseRef === finding.caseRef);
  const name = audited?.pupilName ?? audited?.pupilId ?? finding.caseRef;
  // A pseudonymised report links nowhere: its reader is not meant to open the case.
  return report.pseudonymised ? html`<code>${name}</code>` : html`<a href="${caseUrl(finding.caseRef)}">${name}</a>`;
}

function findingRow(report: CaseAuditReport, finding: ReportFinding, schoolName: (id: string) => string): SafeHtml {
  return html`<tr>
    <td>${schoolName(finding.schoolId)}</td>
    <td>${caseLabel(report, finding)}</td>
    <td>${CASE_RULES[finding.rule].title}</td>
    <td>${severityNames[finding.severity]}</td>
    <td>${finding.clauses.join(', ')}</td>
    <td>${finding.dueAt ? dayText(finding.dueAt) : dayText(finding.at)}</td>
    <td>${finding.daysLate === undefined ? '–' : days(finding.daysLate)}</td>
    <td>${finding.message}</td>
  </tr>`;
}

function results(input: CaseAuditPageInput, report: CaseAuditReport): SafeHtml {
  const s = report.summary;
  const findings = report.cases.flatMap((c) => c.findings);
  const query = input.query ? `?${input.query}` : '';
  return html`<p>
      Revidert <strong>${timeText(report.auditedAt)}</strong>: ${s.cases} saker, ${s.conforming} fulgte rutinens modell,
      ${s.withoutFindings} uten funn, ${s.findings} funn.
      ${report.pseudonymised ? 'Rapporten er pseudonymisert: ingen navn og ingen fritekst.' : ''}
    </p>
    ${
      s.findings === 0
        ? messageBox('notice', 'Ingen funn: alle sakene i utvalget er fulgt opp slik rutinen sier.')
        : messageBox('error', `${s.findings} funn i ${s.cases - s.withoutFindings} saker. Hvert funn viser punktet i rutinen det gjelder.`)
    }
    <p>
      Last ned: <a href="${CASE_AUDIT_CSV_URL}${query}">funn som CSV</a> (for skoleeier, åpnes i Excel) ·
      <a href="${CASE_AUDIT_JSON_URL}${query}">hele rapporten som JSON</a>
    </p>
    <table class="audit-summary">
      <caption>
        Per skole
      </caption>
      <thead>
        <tr>
          <th scope="col">Skole</th>
          <th scope="col">Saker</th>
          <th scope="col">Fulgte modellen</th>
          <th scope="col">Uten funn</th>
          <th scope="col">Funn</th>
          <th scope="col">Median tid til første kontakt</th>
        </tr>
      </thead>
      <tbody>
        ${report.schools.map(
          (school) =>
            html`<tr>
              <td>${input.schoolName(school.schoolId)}</td>
              <td>${school.cases}</td>
              <td>${school.conforming}</td>
              <td>${school.withoutFindings}</td>
              <td>${school.findings}</td>
              <td>${days(school.medianDaysToFirstContact)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      findings.length === 0
        ? ''
        : html`<table class="case-audit-findings">
            <caption>
              Funn
            </caption>
            <thead>
              <tr>
                <th scope="col">Skole</th>
                <th scope="col">Sak</th>
                <th scope="col">Regel</th>
                <th scope="col">Alvor</th>
                <th scope="col">Punkt i rutinen</th>
                <th scope="col">Frist / dato</th>
                <th scope="col">For sent</th>
                <th scope="col">Hva</th>
              </tr>
            </thead>
            <tbody>
              ${findings.map((f) => findingRow(report, f, input.schoolName))}
            </tbody>
          </table>`
    }`;
}

export function caseAuditPage(input: CaseAuditPageInput): SafeHtml {
  return html`<h1>Revisjon av saker</h1>
    <p>
      Revisjonen leser historikken til sakene som faktisk er kjørt, spiller hver av dem av gjennom rutinens egen modell og kontrollerer at
      fristene er holdt, at dokumenter og elevens stemme er på plass før hvert steg, at meldingene kom fram og at saken ikke er endret
      utenfor rutinen.
    </p>
    ${form(input)} ${input.report ? results(input, input.report) : ''}`;
}
