/**
 * The inputs of a form as plain, accessible HTML (WCAG 2.1 AA): every input has a label, choices
 * and repeated rows sit in a fieldset with a legend, required inputs say so to the browser and to
 * assistive technology, and an error or hint is tied to its input (aria-describedby), the input
 * marked aria-invalid. No scripts and no styles inline: the CSP forbids both.
 *
 * Values are the typed values readFormValues gives (and the schema takes), so a refused form is
 * shown again exactly as it was sent, raw text that could not be converted included.
 */
import { type FormField } from './form-fields';
import { type SafeHtml, html } from '../html';
import { OSLO_TIME_ZONE, formatInTimeZone } from '../../app/oslo-time';

export interface RenderFieldsOptions {
  /** Put before every input name (and id): keeps two forms on one page apart, e.g. `hendelse.` and `dokument.`. */
  prefix: string;
  /** Values to fill in, by field name, as readFormValues returns them. */
  values?: Record<string, unknown>;
  /** Messages by field path (formErrors): `evaluationDate`, `agenda.0.topic`, `measures.2`. */
  errors?: Record<string, string>;
}

/** Up to this many single choices are radio buttons; more become a select. */
const MAX_RADIOS = 6;

/** A valid, unique id for the input named `${prefix}${name}`: other characters become `-`, a letter first. */
export function fieldId(prefix: string, name: string): string {
  const id = `${prefix}${name}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return /^[A-Za-z]/.test(id) ? id : `f-${id}`;
}

/** The messages about `name` itself and, for lists shown as one input, about its items. */
function errorFor(errors: Record<string, string>, name: string, withItems: boolean): string | undefined {
  const messages = Object.entries(errors)
    .filter(([key]) => key === name || (withItems && key.startsWith(`${name}.`)))
    .map(([, message]) => message);
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** Errors under `path.` with that part taken off, for the fields of a group or a row. */
function errorsUnder(errors: Record<string, string>, path: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(errors)
      .filter(([key]) => key.startsWith(`${path}.`))
      .map(([key, message]) => [key.slice(path.length + 1), message]),
  );
}

/** A value as an input shows it. */
function textOf(field: FormField, value: unknown): string {
  if (value === undefined || value === null) return field.kind === 'text' ? (field.defaultValue ?? '') : '';
  if (field.kind === 'datetime' && typeof value === 'string') {
    const moment = new Date(value);
    // Only a full time with offset is shown as Oslo wall time; anything else as it was typed.
    return /[T ]\d{2}:\d{2}.*([+-]\d{2}:\d{2}|Z)$/.test(value) && !Number.isNaN(moment.getTime())
      ? formatInTimeZone(moment, OSLO_TIME_ZONE)
      : value;
  }
  if (Array.isArray(value)) return value.map(String).join('\n');
  if (typeof value === 'boolean') return value ? 'ja' : 'nei';
  return String(value);
}

interface Context {
  id: string;
  name: string;
  hintId?: string;
  errorId?: string;
  error?: string;
  required: boolean;
}

function describedBy(ctx: Context): SafeHtml | undefined {
  const ids = [ctx.hintId, ctx.errorId].filter((id): id is string => id !== undefined);
  return ids.length > 0 ? html` aria-describedby="${ids.join(' ')}"` : undefined;
}

/** The attributes every text-like input and select carries. */
function inputAttributes(ctx: Context): SafeHtml {
  return html`id="${ctx.id}"
  name="${ctx.name}"${ctx.required && html` required aria-required="true"`}${ctx.error !== undefined && html` aria-invalid="true"`}${describedBy(ctx)}`;
}

function hintAndError(field: FormField, ctx: Context): SafeHtml {
  return html`${field.hint !== undefined && html`<p class="form-hint" id="${ctx.hintId}">${field.hint}</p>`}${
    ctx.error !== undefined && html`<p class="form-error" id="${ctx.errorId}"><span class="visually-hidden">Feil: </span>${ctx.error}</p>`
  }`;
}

function labelText(field: FormField): string {
  return field.required ? field.label : `${field.label} (valgfritt)`;
}

/** Radio buttons or checkboxes in a fieldset. */
function choiceGroup(
  field: FormField,
  ctx: Context,
  type: 'radio' | 'checkbox',
  options: { value: string; label: string }[],
  chosen: string[],
): SafeHtml {
  const boxes = options.map((option, index) => {
    const id = `${ctx.id}-${index}`;
    return html`<div class="form-choice">
      <input
        type="${type}"
        id="${id}"
        name="${ctx.name}"
        value="${option.value}"
        ${chosen.includes(option.value) && html` checked`}${
          type === 'radio' && ctx.required && html` required`
        }${ctx.error !== undefined && html` aria-invalid="true"`}
      />
      <label for="${id}">${option.label}</label>
    </div>`;
  });
  return html`<fieldset class="form-field${ctx.error !== undefined && ' form-field--error'}" id="${ctx.id}" ${describedBy(ctx)}>
    <legend>${labelText(field)}</legend>
    ${hintAndError(field, ctx)}${boxes}
  </fieldset>`;
}

function renderField(field: FormField, options: Required<RenderFieldsOptions>, requiredAllowed: boolean): SafeHtml {
  const name = `${options.prefix}${field.name}`;
  const id = fieldId(options.prefix, field.name);
  const listAsOne = field.kind === 'text-list' || (field.kind === 'choice' && field.multiple);
  const error = errorFor(options.errors, field.name, listAsOne);
  const value = options.values[field.name];
  const ctx: Context = {
    id,
    name,
    required: field.required && requiredAllowed,
    ...(field.hint !== undefined ? { hintId: `${id}-hint` } : {}),
    ...(error !== undefined ? { error, errorId: `${id}-feil` } : {}),
  };
  const wrap = (input: SafeHtml) =>
    html`<div class="form-field${error !== undefined && ' form-field--error'}">
      <label for="${id}">${labelText(field)}</label>${hintAndError(field, ctx)}${input}
    </div>`;
  switch (field.kind) {
    case 'text':
      return wrap(
        field.multiline
          ? html`<textarea ${inputAttributes(ctx)} rows="5">${textOf(field, value)}</textarea>`
          : html`<input type="text" ${inputAttributes(ctx)} value="${textOf(field, value)}" />`,
      );
    case 'text-list':
      return wrap(html`<textarea ${inputAttributes(ctx)} rows="5">${textOf(field, value)}</textarea>`);
    case 'date':
      return wrap(html`<input type="date" ${inputAttributes(ctx)} value="${textOf(field, value)}" />`);
    case 'datetime':
      return wrap(html`<input type="datetime-local" ${inputAttributes(ctx)} value="${textOf(field, value)}" />`);
    case 'number':
      // Text with a numeric keyboard, not type=number: a browser empties a number input holding letters, which would lose what was typed.
      return wrap(
        html`<input
          type="text"
          inputmode="${field.integer ? 'numeric' : 'decimal'}"
          ${inputAttributes(ctx)}
          value="${textOf(field, value)}"
        />`,
      );
    case 'boolean':
      return choiceGroup(
        field,
        ctx,
        'radio',
        [
          { value: 'ja', label: 'Ja' },
          { value: 'nei', label: 'Nei' },
        ],
        [textOf(field, value)],
      );
    case 'choice': {
      const chosen = Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
      if (field.multiple) return choiceGroup(field, ctx, 'checkbox', field.options, chosen);
      if (field.options.length <= MAX_RADIOS) return choiceGroup(field, ctx, 'radio', field.options, chosen);
      const known = field.options.some((o) => chosen.includes(o.value));
      return wrap(
        html`<select ${inputAttributes(ctx)}>
          <option value="" ${!known && html` selected`}>Velg …</option>
          ${field.options.map((o) => html`<option value="${o.value}" ${chosen.includes(o.value) && html` selected`}>${o.label}</option>`)}
        </select>`,
      );
    }
    case 'group': {
      const inner = renderFieldsWith(
        field.fields,
        {
          prefix: `${name}.`,
          values: isRecord(value) ? value : {},
          errors: errorsUnder(options.errors, field.name),
        },
        requiredAllowed,
      );
      return html`<fieldset class="form-group${error !== undefined && ' form-field--error'}" id="${id}" ${describedBy(ctx)}>
        <legend>${labelText(field)}</legend>
        ${hintAndError(field, ctx)}${inner}
      </fieldset>`;
    }
    case 'group-list': {
      const rowsGiven = Array.isArray(value) ? value : [];
      const count = Math.max(field.rows, rowsGiven.length + 1);
      const rows = Array.from({ length: count }, (_, index) => {
        const rowName = `${field.name}.${index}`;
        const rowError = errorFor(options.errors, rowName, false);
        const inner = renderFieldsWith(
          field.fields,
          {
            prefix: `${name}.${index}.`,
            values: isRecord(rowsGiven[index]) ? rowsGiven[index] : {},
            errors: errorsUnder(options.errors, rowName),
          },
          // Rows beyond the required minimum may stay empty, so their inputs are not required.
          requiredAllowed && index < field.minItems,
        );
        return html`<fieldset class="form-row" id="${id}-${index}">
          <legend>Rad ${index + 1}</legend>
          ${rowError !== undefined && html`<p class="form-error">${rowError}</p>`}${inner}
        </fieldset>`;
      });
      return html`<fieldset class="form-group${error !== undefined && ' form-field--error'}" id="${id}" ${describedBy(ctx)}>
        <legend>${labelText(field)}</legend>
        ${hintAndError(field, ctx)}${rows}
      </fieldset>`;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function renderFieldsWith(fields: readonly FormField[], options: RenderFieldsOptions, requiredAllowed: boolean): SafeHtml {
  const full = { prefix: options.prefix, values: options.values ?? {}, errors: options.errors ?? {} };
  return html`${fields.map((field) => renderField(field, full, requiredAllowed))}`;
}

/** The inputs of `fields`, named `${prefix}${field.name}`, filled with `values`, each with its error from `errors`. */
export function renderFields(fields: readonly FormField[], options: RenderFieldsOptions): SafeHtml {
  return renderFieldsWith(fields, options, true);
}
