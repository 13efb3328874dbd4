/**
 * «Rutiner»: every current procedure with its open cases per stage, and one procedure's page:
 * its diagram (an image with a text alternative; the same content is in the tables), the open
 * cases per stage, and per step its label, stage, responsible roles, required documents and
 * clauses. Internal state ids never appear: steps are shown by their Norwegian labels.
 */
import { documentNames, roleList, stageNames } from '../../machines/labels';
import type { Clause, PublicStage, StateMeta } from '../../machines/meta';
import type { ProcedureDefinition } from '../../machines/registry';
import { type SafeHtml, html } from '../html';

/** The open cases of one procedure, counted per public stage (visibility). */
export type StageCounts = Partial<Record<string, number>>;

/** The stages of the stage table, in the order a case passes them. */
const STAGES: readonly PublicStage[] = ['identification', 'measures', 'evaluation', 'escalated', 'monitoring'];

export const procedureUrl = (procedureId: string) => `/rutiner/${encodeURIComponent(procedureId)}`;
export const procedureDiagramUrl = (procedureId: string) => `${procedureUrl(procedureId)}/diagram.svg`;

const stageName = (stage: string) => stageNames[stage as PublicStage] ?? stage;
const openTotal = (counts: StageCounts) => Object.values(counts).reduce<number>((n, c) => n + (c ?? 0), 0);

/** One step of a procedure as the page shows it. */
export interface ProcedureStep {
  label: string;
  meta: StateMeta;
}

/** The clause as users read it: the Norwegian text when there is one, else its source and section. */
export type ClauseText = (procedureId: string, clause: Clause) => string | undefined;

function stageTable(counts: StageCounts, caption: string): SafeHtml {
  return html`<table class="stage-counts">
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${STAGES.map((s) => html`<th scope="col">${stageNames[s]}</th>`)}
        <th scope="col">Åpne i alt</th>
      </tr>
    </thead>
    <tbody>
      <tr>
        ${STAGES.map((s) => html`<td>${counts[s] ?? 0}</td>`)}
        <td>${openTotal(counts)}</td>
      </tr>
    </tbody>
  </table>`;
}

export function proceduresPage(procedures: readonly { procedure: ProcedureDefinition; counts: StageCounts }[]): SafeHtml {
  return html`<h1>Rutiner</h1>
    <p>Rutinene saker følges opp etter, slik systemet kjører dem nå. Tallene er åpne saker du har tilgang til.</p>
    <table class="procedures">
      <caption>
        Rutiner og åpne saker per fase
      </caption>
      <thead>
        <tr>
          <th scope="col">Rutine</th>
          <th scope="col">Eier</th>
          ${STAGES.map((s) => html`<th scope="col">${stageNames[s]}</th>`)}
          <th scope="col">Åpne i alt</th>
        </tr>
      </thead>
      <tbody>
        ${procedures.map(
          ({ procedure: p, counts }) =>
            html`<tr>
              <th scope="row"><a href="${procedureUrl(p.id)}">${p.displayName}</a> <span class="muted">(versjon ${p.version})</span></th>
              <td>${p.owner}</td>
              ${STAGES.map((s) => html`<td>${counts[s] ?? 0}</td>`)}
              <td>${openTotal(counts)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function clauseItem(procedureId: string, clause: Clause, clauseText: ClauseText | undefined): SafeHtml {
  const text = clauseText?.(procedureId, clause);
  return html`<li>
    <span class="clause-id">${clause.id}</span>: ${text ? html`${text} ` : ''}<span class="muted"
      >(${clause.source}, punkt ${clause.section})</span
    >
  </li>`;
}

export interface ProcedurePageArgs {
  procedure: ProcedureDefinition;
  steps: readonly ProcedureStep[];
  counts: StageCounts;
  clauseText?: ClauseText;
}

/** The diagram's text alternative: what it shows and where the same content is in text. */
export function diagramAlt(procedure: ProcedureDefinition, steps: number): string {
  return `Diagram over rutinen «${procedure.displayName}»: ${steps} steg og overgangene mellom dem, med antall åpne saker per fase i undertittelen. Stegene, hvem som har ansvaret, dokumentene og punktene i rutinen står i tabellene på denne siden.`;
}

export function procedurePage(args: ProcedurePageArgs): SafeHtml {
  const { procedure: p, steps } = args;
  const byId = new Map(p.clauses.map((c) => [c.id, c]));
  return html`<p class="breadcrumb"><a href="/rutiner">Rutiner</a></p>
    <h1>${p.displayName}</h1>
    <dl class="facts">
      <dt>Eier</dt>
      <dd>${p.owner}</dd>
      <dt>Versjon</dt>
      <dd>${p.version}</dd>
      <dt>Åpne saker du har tilgang til</dt>
      <dd>${openTotal(args.counts)}</dd>
    </dl>
    ${stageTable(args.counts, 'Åpne saker per fase')}
    <p class="muted">
      Sakene telles per fase fra saksoversikten. Hvert steg hører til én fase; antallet per enkelt steg vises ikke, fordi det ville kreve å
      spørre hver sak for seg.
    </p>
    <h2>Diagram</h2>
    <p><a href="${procedureDiagramUrl(p.id)}">Åpne diagrammet i full størrelse</a></p>
    <img class="diagram" src="${procedureDiagramUrl(p.id)}" alt="${diagramAlt(p, steps.length)}" />
    <h2>Steg</h2>
    <table class="procedure-steps">
      <caption>
        Stegene i rutinen med fase, ansvar, dokumenter og punkter i rutinen
      </caption>
      <thead>
        <tr>
          <th scope="col">Steg</th>
          <th scope="col">Fase (åpne saker)</th>
          <th scope="col">Ansvarlig</th>
          <th scope="col">Dokumenter som må finnes</th>
          <th scope="col">Punkter i rutinen</th>
        </tr>
      </thead>
      <tbody>
        ${steps.map(
          (s) =>
            html`<tr>
              <th scope="row">${s.label}</th>
              <td>${stageName(s.meta.stage)}${s.meta.stage === 'closed' ? '' : ` (${args.counts[s.meta.stage] ?? 0})`}</td>
              <td>${s.meta.responsible.length > 0 ? roleList(s.meta.responsible) : '–'}</td>
              <td>${s.meta.requiredDocuments.length > 0 ? s.meta.requiredDocuments.map((d) => documentNames[d]).join(', ') : '–'}</td>
              <td>
                ${
                  s.meta.clauses.length > 0
                    ? html`<ul class="clauses">
                        ${s.meta.clauses.map((id) =>
                          clauseItem(p.id, byId.get(id) ?? { id, source: p.displayName, section: '–', rule: '' }, args.clauseText),
                        )}
                      </ul>`
                    : '–'
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
