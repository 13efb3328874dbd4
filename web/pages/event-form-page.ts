/**
 * The form for one step: the event's own fields and, when the step files a document, the
 * document's fields, in one form that creates the PDF, archives it and sends the event in one
 * action. Generated from the zod schemas (web/forms/); the server validates with the same ones.
 */
import { documentNames, eventNames, roleNames } from '../../machines/labels';
import type { EventType } from '../../machines/events';
import type { Role } from '../../machines/vocabulary';
import type { FormField } from '../forms/form-fields';
import type { FormVariant } from '../forms/event-forms';
import { fieldId, renderFields } from '../forms/render-form';
import { type SafeHtml, html } from '../html';
import { messageBox } from './layout';
import { caseUrl } from './urls';

export const EVENT_PREFIX = 'hendelse.';
export const DOCUMENT_PREFIX = 'dokument.';

export interface EventFormPage {
  workflowId: string;
  caseTitle: string;
  stepLabel: string;
  type: EventType;
  variant: FormVariant;
  role: Role;
  eventId: string;
  csrfToken: string;
  eventFields: readonly FormField[];
  documentFields: readonly FormField[];
  eventValues?: Record<string, unknown>;
  documentValues?: Record<string, unknown>;
  eventErrors?: Record<string, string>;
  documentErrors?: Record<string, string>;
  /** The case's own reason for refusing the step, or another error for the whole form. */
  refusal?: string;
}

/** Each field error as a link to its field (a row's error to its list), for the summary at the top. */
function errorLinks(errors: Record<string, string> | undefined, prefix: string): [string, string][] {
  return Object.entries(errors ?? {})
    .filter(([name]) => name !== '')
    .map(([name, message]) => [fieldId(prefix, name.split('.')[0]!), message]);
}

export function eventFormPage(p: EventFormPage): SafeHtml {
  const title = p.variant.label === eventNames[p.type] ? eventNames[p.type] : `${eventNames[p.type]}: ${p.variant.label}`;
  const errorCount = Object.keys(p.eventErrors ?? {}).length + Object.keys(p.documentErrors ?? {}).length;
  return html`<p class="breadcrumb"><a href="/saker">Saker</a> › <a href="${caseUrl(p.workflowId)}">${p.caseTitle}</a> › ${title}</p>
    <h1>${title}</h1>
    <p>Steget saken er i: <strong>${p.stepLabel}</strong>. Du registrerer som ${roleNames[p.role]}.</p>
    ${p.refusal && messageBox('error', html`<strong>Saken tok ikke imot registreringen, og ingenting er endret.</strong> ${p.refusal}`)}
    ${
      errorCount > 0 &&
      messageBox(
        'error',
        html`<p>Skjemaet har ${errorCount} feil. Rett feltene under, og send på nytt:</p>
          <ul class="error-summary">
            ${[...errorLinks(p.eventErrors, EVENT_PREFIX), ...errorLinks(p.documentErrors, DOCUMENT_PREFIX)].map(
              ([href, message]) => html`<li><a href="#${href}">${message}</a></li>`,
            )}
          </ul>`,
      )
    }
    <form method="post" action="${caseUrl(p.workflowId)}/hendelser/${p.type}" novalidate>
      <input type="hidden" name="_csrf" value="${p.csrfToken}" />
      <input type="hidden" name="eventId" value="${p.eventId}" />
      ${Object.entries(p.variant.fixed).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
      ${
        p.eventFields.length > 0 &&
        html`<fieldset>
          <legend>Opplysninger om steget</legend>
          ${renderFields(p.eventFields, { prefix: EVENT_PREFIX, values: p.eventValues ?? {}, errors: p.eventErrors ?? {} })}
        </fieldset>`
      }
      ${
        p.variant.documentKind &&
        html`<fieldset>
          <legend>Dokument: ${documentNames[p.variant.documentKind]}</legend>
          <p class="muted">Dokumentet lages som PDF og arkiveres i saken når du sender skjemaet.</p>
          ${renderFields(p.documentFields, { prefix: DOCUMENT_PREFIX, values: p.documentValues ?? {}, errors: p.documentErrors ?? {} })}
        </fieldset>`
      }
      <button type="submit">${p.variant.documentKind ? 'Lagre dokumentet og registrer' : 'Registrer'}</button>
      <a href="${caseUrl(p.workflowId)}">Avbryt</a>
    </form>`;
}
