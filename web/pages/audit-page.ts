/**
 * «Revisjon»: the latest `npm run audit` report in short — when it ran, whether it passed, and
 * per procedure the paths, state and transition coverage, how many paths the real workflow
 * replayed like the model, and how many mutants were caught — with a link to the full report.
 * Without a report it says so and how to make one.
 */
import type { AuditReading, AuditSummary } from '../audit-summary';
import { type SafeHtml, html } from '../html';
import { messageBox } from './layout';
import { CASE_AUDIT_URL } from './case-audit-page';
import { timeText } from './format';

/** Where the full HTML report is served. */
export const AUDIT_REPORT_URL = '/revisjon/rapport';

const percent = (value: number) => `${value.toLocaleString('nb-NO', { maximumFractionDigits: 1 })} %`;

function howToMake(): SafeHtml {
  return html`<p>
    En rapport lages ved å kjøre <code>npm run audit</code> i prosjektmappen (tar noen minutter). Den skrives til
    <code>reports/audit/</code>, og denne siden viser den siste.
  </p>`;
}

function summaryBody(s: AuditSummary): SafeHtml {
  const t = s.totals;
  return html`<p>Siste revisjon: <strong>${timeText(s.generatedAt)}</strong>.</p>
    ${
      s.passed
        ? messageBox('notice', 'Revisjonen er bestått: alle kontroller gikk gjennom.')
        : messageBox('error', 'Revisjonen fant feil. Se hvilke under og i den fullstendige rapporten.')
    }
    <dl class="facts">
      <dt>Rutiner</dt>
      <dd>${t.procedures}</dd>
      <dt>Stier</dt>
      <dd>${t.paths} (${t.steps} steg)</dd>
      <dt>Invariantkontroller</dt>
      <dd>${t.invariantChecks}, ${t.invariantFailures} brudd</dd>
      <dt>Avspilt mot arbeidsflyten</dt>
      <dd>${t.conformancePassed} like modellen, ${t.conformanceFailed} avvik</dd>
      <dt>Mutanter fanget</dt>
      <dd>
        ${
          s.mutationsRan
            ? `${t.mutantsKilled} av ${t.mutants - t.mutantsEquivalent}${t.mutantsEquivalent ? ` (og ${t.mutantsEquivalent} ekvivalente, som ingen test kan skille fra originalen)` : ''}`
            : 'mutasjonstesten ble hoppet over'
        }
      </dd>
    </dl>
    <table class="audit-summary">
      <caption>
        Resultat per rutine
      </caption>
      <thead>
        <tr>
          <th scope="col">Rutine</th>
          <th scope="col">Stier</th>
          <th scope="col">Tilstander dekket</th>
          <th scope="col">Overganger dekket</th>
          <th scope="col">Avspilling like modellen</th>
          <th scope="col">Mutanter fanget</th>
          <th scope="col">Resultat</th>
        </tr>
      </thead>
      <tbody>
        ${s.procedures.map(
          (p) =>
            html`<tr>
              <th scope="row">${p.displayName} <span class="muted">(versjon ${p.version})</span></th>
              <td>${p.paths}</td>
              <td>${p.states.covered} av ${p.states.total} (${percent(p.states.percent)})</td>
              <td>${p.transitions.covered} av ${p.transitions.total} (${percent(p.transitions.percent)})</td>
              <td>${p.conformancePassed} av ${p.paths}</td>
              <td>${p.mutations.ran ? `${p.mutations.killed} av ${p.mutations.total - p.mutations.equivalent}` : 'ikke kjørt'}</td>
              <td>${p.passed ? 'bestått' : html`<strong class="overdue">feil: ${p.failures.join('; ')}</strong>`}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <p><a href="${AUDIT_REPORT_URL}">Åpne hele revisjonsrapporten</a> (alle stier steg for steg, diagrammer og mutasjonstabellen).</p>`;
}

/** The way to the audit of the cases that really ran, on every state of this page. */
function realCasesLink(): SafeHtml {
  return html`<p class="notice">
    <a href="${CASE_AUDIT_URL}">Revisjon av sakene</a>: kontroller de virkelige sakene ved en skole i en periode mot rutinen (frister,
    dokumenter, elevens stemme, meldinger), med funn som CSV for skoleeier.
  </p>`;
}

export function auditPage(reading: AuditReading): SafeHtml {
  if (reading.kind === 'missing') {
    return html`<h1>Revisjon</h1>
      ${realCasesLink()} ${messageBox('notice', 'Det finnes ingen revisjonsrapport ennå.')} ${howToMake()}`;
  }
  if (reading.kind === 'unreadable') {
    return html`<h1>Revisjon</h1>
      ${realCasesLink()} ${messageBox('error', html`Revisjonsrapporten kunne ikke leses: ${reading.reason}.`)} ${howToMake()}`;
  }
  return html`<h1>Revisjon</h1>
    ${realCasesLink()}
    <p>
      Revisjonen går gjennom hver rutine: den lager stier gjennom alle steg og overganger, sjekker reglene på hver sti, spiller stiene av
      mot den virkelige saksflyten og kontrollerer at feil lagt inn med vilje blir fanget.
    </p>
    ${summaryBody(reading.summary)}`;
}
