/**
 * «Sak»: one case as the people who run it need it, in the order they read it: who and where,
 * the step the case is in with its responsible roles and the procedure's clauses, deadlines with
 * days left, what the person may do now, the triggers with their absence dates, the timeline,
 * the messages and their delivery, the documents (each opens as its PDF) and the procedure
 * diagram with the route taken and the current step marked.
 */
import type { ArchivedDocumentRecord } from '../../archive/archive-store';
import type { EventType } from '../../machines/events';
import {
  closingReasonNames,
  delayName,
  documentNames,
  effectLabels,
  eventNames,
  roleList,
  roleNames,
  stageNames,
  triggerRuleNames,
} from '../../machines/labels';
import type { DocumentKind, Role } from '../../machines/vocabulary';
import type { CaseView, PersonDelivery, TimelineEntry } from '../../workflows/case-messages';
import { type SafeHtml, html } from '../html';
import { dayText, daysLeftText, timeText } from './format';
import { messageBox } from './layout';
import { caseUrl } from './urls';

export interface CasePageData {
  view: CaseView;
  pupilName?: string;
  schoolName: string;
  /** The events the person may send now, with the role each goes as. */
  actions: { type: EventType; role: Role; variants: { label: string; query: string }[] }[];
  /** The person only reads (auditor, administrator) or has no role in the case's step. */
  readOnly: boolean;
  documents: ArchivedDocumentRecord[];
  /** People's names by id (staff and guardians the person may see), for the timeline and the deliveries. */
  names: Map<string, string>;
  now: Date;
  /** A message after a step (e.g. «Kontakt med foresatte er registrert.»). */
  notice?: string;
  /** The procedure's clauses the current step rests on, with their Norwegian text. */
  clauses: readonly StepClause[];
}

/** A clause of the procedure as the page shows it. */
export interface StepClause {
  id: string;
  source: string;
  section: string;
  text: string;
}

const CHANNEL_NAMES: Record<PersonDelivery['channel'], string> = { email: 'e-post', sms: 'SMS', outbox: 'utboks (ikke sendt ut)' };

function who(actor: { role: string; userId: string }, names: Map<string, string>): string {
  const role = roleNames[actor.role as Role] ?? actor.role;
  if (actor.role === 'system') return 'fraværsdeteksjonen';
  const name = names.get(actor.userId);
  return name ? `${name} (${role})` : `${role} (${actor.userId})`;
}

function timelineRow(entry: TimelineEntry, names: Map<string, string>): SafeHtml {
  switch (entry.kind) {
    case 'event':
      return html`<tr>
        <td>${timeText(entry.at)}</td>
        <td>${timeText(entry.appliedAt)}</td>
        <td>${who(entry.actor, names)}</td>
        <td>${eventNames[entry.type] ?? entry.type}</td>
        <td>${entry.stateLabel}</td>
      </tr>`;
    case 'deadline':
      return html`<tr>
        <td>${timeText(entry.dueAt ?? entry.firedAt)}</td>
        <td>${timeText(entry.firedAt)}</td>
        <td>fristen i rutinen</td>
        <td>Frist: ${delayName(entry.name)}${entry.missed ? ' (var allerede passert da saken ble åpnet)' : ''}</td>
        <td>${entry.stateLabel}</td>
      </tr>`;
    case 'refused':
      return html`<tr class="refused">
        <td>${timeText(entry.at)}</td>
        <td>${timeText(entry.at)}</td>
        <td>–</td>
        <td>Avvist: ${eventNames[entry.type as EventType] ?? entry.type} – ${entry.reason}</td>
        <td>–</td>
      </tr>`;
    case 'effect':
      return html`<tr>
        <td>${timeText(entry.issuedAt)}</td>
        <td>${timeText(entry.deliveredAt)}</td>
        <td>saken</td>
        <td>${effectLabels[entry.name as keyof typeof effectLabels] ?? entry.name}: ${entry.subject}</td>
        <td>–</td>
      </tr>`;
  }
}

function deliveries(view: CaseView, names: Map<string, string>): SafeHtml {
  const effects = view.timeline.filter((e): e is Extract<TimelineEntry, { kind: 'effect' }> => e.kind === 'effect');
  if (effects.length === 0) return html`<p>Saken har ikke sendt noen meldinger ennå.</p>`;
  return html`<ul class="deliveries">
    ${effects.map(
      (e) =>
        html`<li>
          <p><strong>${e.subject}</strong> – ${timeText(e.deliveredAt)} (til ${roleList(e.recipients as Role[])})</p>
          ${
            (e.deliveries?.length ?? 0) + (e.unreached?.length ?? 0) > 0 &&
            html`<ul>
              ${(e.deliveries ?? []).map(
                (d) =>
                  html`<li>
                    ${names.get(d.personId) ?? d.personId} (${roleNames[d.role as Role] ?? d.role}): ${CHANNEL_NAMES[d.channel]},
                    ${d.status === 'sent' ? 'sendt' : html`<strong>ikke sendt</strong>: ${d.error ?? 'ukjent feil'}`}${d.language ? ` (språk: ${d.language})` : ''}
                  </li>`,
              )}
              ${(e.unreached ?? []).map((u) => html`<li>${roleNames[u.role as Role] ?? u.role}: <strong>ikke nådd</strong> – ${u.reason}</li>`)}
            </ul>`
          }
        </li>`,
    )}
  </ul>`;
}

function documentList(workflowId: string, documents: readonly ArchivedDocumentRecord[]): SafeHtml {
  if (documents.length === 0) return html`<p>Ingen dokumenter er arkivert i saken ennå.</p>`;
  return html`<table>
    <caption class="visually-hidden">
      Arkiverte dokumenter
    </caption>
    <thead>
      <tr>
        <th scope="col">Dokument</th>
        <th scope="col">Journalpost</th>
        <th scope="col">Dato</th>
        <th scope="col">Versjon</th>
      </tr>
    </thead>
    <tbody>
      ${documents.map(
        (d) =>
          html`<tr>
            <td>
              <a href="${caseUrl(workflowId)}/dokumenter/${encodeURIComponent(d.reference)}"
                >${documentNames[d.documentKind as DocumentKind] ?? d.title} (PDF)</a
              >
            </td>
            <td>${d.caseFileNumber}-${d.entryNumber}</td>
            <td>${dayText(d.documentDate)}</td>
            <td>${d.version}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function actionLinks(workflowId: string, actions: CasePageData['actions']): SafeHtml {
  return html`<ul class="actions">
    ${actions.flatMap((a) =>
      a.variants.map((v) => html`<li><a class="button" href="${caseUrl(workflowId)}/hendelser/${a.type}${v.query}">${v.label}</a></li>`),
    )}
  </ul>`;
}

/**
 * What the person may record, in three groups: what the step itself waits for (the buttons),
 * the facts that may be recorded in any step, and a document with no event of its own.
 */
function actionList(data: CasePageData): SafeHtml {
  const { view } = data;
  if (view.status !== 'open') return html`<p>Saken er avsluttet og tar ikke imot flere steg.</p>`;
  if (data.readOnly) return html`<p>Du har lesetilgang til saken og kan ikke registrere steg.</p>`;
  if (data.actions.length === 0)
    return html`<p>Ingen av dine roller kan registrere noe i dette steget. Ansvarlig: ${roleList(view.state.responsible)}.</p>`;
  const step = data.actions.filter((a) => view.stepEvents?.includes(a.type) && a.type !== 'document.recorded');
  const documents = data.actions.filter((a) => a.type === 'document.recorded');
  const other = data.actions.filter((a) => !step.includes(a) && !documents.includes(a));
  const role = data.actions[0]!.role;
  return html`<p>Du registrerer som ${roleNames[role]}.</p>
    ${
      step.length > 0 &&
      html`<h3>Steget venter på</h3>
        ${actionLinks(view.workflowId, step)}`
    }
    ${
      other.length > 0 &&
      html`<h3>Andre registreringer</h3>
        ${actionLinks(view.workflowId, other)}`
    }
    ${
      documents.length > 0 &&
      html`<details class="more-actions">
        <summary>Arkiver et annet dokument</summary>
        ${actionLinks(view.workflowId, documents)}
      </details>`
    }`;
}

export function casePage(data: CasePageData): SafeHtml {
  const { view, now, names } = data;
  const title = data.pupilName ? `${data.pupilName}, ${view.grade}. trinn` : `Elev ${view.pupilId}, ${view.grade}. trinn`;
  return html` <p class="breadcrumb"><a href="/saker">Saker</a> › ${title}</p>
    <h1>${title}</h1>
    ${data.notice && messageBox('notice', data.notice)}
    <dl class="facts">
      <div>
        <dt>Skole</dt>
        <dd>${data.schoolName}</dd>
      </div>
      <div>
        <dt>Rutine</dt>
        <dd>${view.procedure.displayName} (versjon ${view.procedure.version})</dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          ${view.status === 'open' ? 'åpen' : 'avsluttet'}${view.overdue ? html` – <strong class="overdue">frist passert for ${view.daysOverdue} ${view.daysOverdue === 1 ? 'dag' : 'dager'} siden</strong>` : ''}
        </dd>
      </div>
      <div>
        <dt>Åpnet</dt>
        <dd>${timeText(view.openedAt)}</dd>
      </div>
      <div>
        <dt>Saks-id</dt>
        <dd>${view.workflowId}</dd>
      </div>
    </dl>

    <section aria-labelledby="steg">
      <h2 id="steg">Steget saken er i</h2>
      <p class="step-label">${view.state.label} <span class="muted">(${stageNames[view.stage]})</span></p>
      <p>Ansvarlig: ${roleList(view.state.responsible) || '–'}</p>
      ${
        view.state.requiredDocuments.length > 0 &&
        html`<p>Dokumenter steget krever: ${view.state.requiredDocuments.map((d) => documentNames[d as DocumentKind] ?? d).join(', ')}</p>`
      }
      ${
        data.clauses.length > 0 &&
        html`<h3>Hva rutinen sier</h3>
          <ul class="clauses">
            ${data.clauses.map((c) => html`<li>${c.text} <span class="muted">(${c.source}, punkt ${c.section}; ${c.id})</span></li>`)}
          </ul>`
      }
      ${view.closing && html`<p>Avsluttet ${timeText(view.closing.at)}: ${closingReasonNames[view.closing.reason]} – ${view.closing.note}</p>`}
    </section>

    <section aria-labelledby="frister">
      <h2 id="frister">Frister</h2>
      ${
        view.deadlines.length === 0
          ? html`<p>Ingen frister venter.</p>`
          : html`<ul>
              ${view.deadlines.map((d) => html`<li>${delayName(d.name)}: ${timeText(d.dueAt)} (${daysLeftText(d.dueAt, now)})</li>`)}
            </ul>`
      }
    </section>

    <section aria-labelledby="neste">
      <h2 id="neste">Registrer neste steg</h2>
      ${actionList(data)}
    </section>

    <section aria-labelledby="utlosere">
      <h2 id="utlosere">Fravær som utløste saken</h2>
      <ul>
        ${view.triggers.map(
          (t) =>
            html`<li>
              ${triggerRuleNames[t.rule] ?? t.rule} (${timeText(t.at)},
              ${t.effect === 'opened' ? 'åpnet saken' : t.effect === 'moved' ? 'flyttet saken' : 'registrert'}):
              ${t.dates.map(dayText).join(', ')}${t.days ? ` – ${t.days} dager` : ''}${t.lessons ? ` – ${t.lessons} timer` : ''}
            </li>`,
        )}
      </ul>
    </section>

    <section aria-labelledby="tidslinje">
      <h2 id="tidslinje">Tidslinje</h2>
      <table class="timeline">
        <caption class="visually-hidden">
          Alt som har skjedd i saken, eldst først
        </caption>
        <thead>
          <tr>
            <th scope="col">Skjedde</th>
            <th scope="col">Registrert</th>
            <th scope="col">Hvem</th>
            <th scope="col">Hva</th>
            <th scope="col">Steg etterpå</th>
          </tr>
        </thead>
        <tbody>
          ${view.timeline.map((e) => timelineRow(e, names))}
        </tbody>
      </table>
    </section>

    <section aria-labelledby="meldinger">
      <h2 id="meldinger">Meldinger og levering</h2>
      ${deliveries(view, names)}
    </section>

    <section aria-labelledby="dokumenter">
      <h2 id="dokumenter">Dokumenter</h2>
      ${documentList(view.workflowId, data.documents)}
    </section>

    <section aria-labelledby="diagram">
      <h2 id="diagram">Rutinen og veien saken har gått</h2>
      <p>Det gjeldende steget er «${view.state.label}». Diagrammet viser hele rutinen, veien saken har gått og steget den er i nå.</p>
      <img
        class="diagram"
        src="${caseUrl(view.workflowId)}/diagram.svg"
        alt="Diagram over ${view.procedure.displayName} der veien saken har gått er markert, og steget «${view.state.label}» er uthevet."
      />
    </section>`;
}
