/**
 * «Saker» and «Mine oppgaver»: tables of cases with pupil, school, procedure, step and deadline.
 * The filter form works without script (GET); htmx swaps only the table when it is used.
 */
import type { SchoolDirectory } from '../../detection/school-directory';
import { currentProcedures } from '../../machines/registry';
import type { PublicStage } from '../../machines/meta';
import { eventNames, stageNames } from '../../machines/labels';
import type { EventType } from '../../machines/events';
import type { CaseRow, ListFilters, Page } from '../case-list';
import { type SafeHtml, html } from '../html';
import { dayText, daysLeftText } from './format';
import { caseUrl } from './urls';

export interface ListedCase {
  row: CaseRow;
  pupilName?: string;
  schoolName: string;
  procedureName: string;
}

function deadlineCell(row: CaseRow, now: Date): SafeHtml {
  if (row.status === 'closed') return html`avsluttet${row.closedAt ? ` ${dayText(row.closedAt)}` : ''}`;
  if (row.overdue && row.overdueSince) return html`<strong class="overdue">${daysLeftText(row.overdueSince, now)}</strong>`;
  if (!row.nextDeadline) return html`ingen frist`;
  return html`${dayText(row.nextDeadline)} (${daysLeftText(row.nextDeadline, now)})`;
}

function caseName(c: ListedCase): string {
  return c.pupilName ?? `Elev ${c.row.pupilId}`;
}

export function caseTable(cases: readonly ListedCase[], now: Date, caption: string): SafeHtml {
  if (cases.length === 0) return html`<p>Ingen saker passer.</p>`;
  return html`<table class="cases">
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        <th scope="col">Elev</th>
        <th scope="col">Skole</th>
        <th scope="col">Rutine</th>
        <th scope="col">Fase</th>
        <th scope="col">Neste frist</th>
      </tr>
    </thead>
    <tbody>
      ${cases.map(
        (c) => html`<tr${c.row.overdue ? html` class="overdue-row"` : ''}>
        <td><a href="${caseUrl(c.row.workflowId)}">${caseName(c)}</a></td>
        <td>${c.schoolName}</td><td>${c.procedureName}</td>
        <td>${stageNames[c.row.stage as PublicStage] ?? c.row.stage}</td>
        <td>${deadlineCell(c.row, now)}</td>
      </tr>`,
      )}
    </tbody>
  </table>`;
}

function pager(page: Page<unknown>, query: URLSearchParams): SafeHtml {
  if (page.pages <= 1) return html``;
  const link = (n: number, label: string) => {
    const q = new URLSearchParams(query);
    q.set('side', String(n));
    return html`<a href="/saker?${q.toString()}">${label}</a>`;
  };
  return html`<nav class="pager" aria-label="Sider">
    ${page.page > 1 && link(page.page - 1, 'Forrige side')}
    <span>Side ${page.page} av ${page.pages} (${page.total} saker)</span>
    ${page.page < page.pages && link(page.page + 1, 'Neste side')}
  </nav>`;
}

const option = (value: string, label: string, selected: string | undefined) =>
  html`<option value="${value}" ${selected === value ? html` selected` : ''}>${label}</option>`;

export function filterForm(filters: ListFilters, schoolIds: readonly string[], schools: SchoolDirectory): SafeHtml {
  return html`<form
    class="filters"
    method="get"
    action="/saker"
    hx-get="/saker"
    hx-target="#case-results"
    hx-select="#case-results"
    hx-swap="outerHTML"
    hx-push-url="true"
  >
    <div>
      <label for="f-skole">Skole</label>
      <select id="f-skole" name="skole">
        ${option('', 'Alle', filters.schoolId ?? '')}${schoolIds.map((id) => option(id, schools.get(id)?.name ?? id, filters.schoolId))}
      </select>
    </div>
    <div>
      <label for="f-rutine">Rutine</label>
      <select id="f-rutine" name="rutine">
        ${option('', 'Alle', filters.procedureId ?? '')}${currentProcedures().map((p) => option(p.id, p.displayName, filters.procedureId))}
      </select>
    </div>
    <div>
      <label for="f-fase">Fase</label>
      <select id="f-fase" name="fase">
        ${option('', 'Alle', filters.stage ?? '')}${Object.entries(stageNames).map(([id, name]) => option(id, name, filters.stage))}
      </select>
    </div>
    <div>
      <label for="f-status">Status</label>
      <select id="f-status" name="status">
        ${option('', 'Alle', filters.status ?? '')}${option('open', 'Åpne', filters.status)}${option('closed', 'Avsluttede', filters.status)}
      </select>
    </div>
    <div>
      <label for="f-innen">Frist innen (dager)</label>
      <input id="f-innen" name="innen" type="number" min="0" max="365" inputmode="numeric" value="${filters.dueWithinDays ?? ''}" />
    </div>
    <div class="checkbox">
      <input id="f-forfalt" name="forfalt" type="checkbox" value="ja" ${filters.overdue ? html` checked` : ''} />
      <label for="f-forfalt">Bare saker med passert frist</label>
    </div>
    <div><button type="submit">Vis saker</button></div>
  </form>`;
}

export function caseListPage(args: {
  cases: readonly ListedCase[];
  page: Page<unknown>;
  filters: ListFilters;
  query: URLSearchParams;
  schoolIds: readonly string[];
  schools: SchoolDirectory;
  now: Date;
}): SafeHtml {
  return html`<h1>Saker</h1>
    ${filterForm(args.filters, args.schoolIds, args.schools)}
    <div id="case-results" aria-live="polite">
      ${caseTable(args.cases, args.now, `Saker du har tilgang til, sortert etter frist (${args.page.total})`)}
      ${pager(args.page, args.query)}
    </div>`;
}

export interface Task {
  listed: ListedCase;
  stepLabel: string;
  /** What the step expects: the events the person may send. */
  expected: EventType[];
}

export function tasksPage(tasks: readonly Task[], now: Date, truncated: boolean): SafeHtml {
  return html`<h1>Mine oppgaver</h1>
    <p>Saker der du er ansvarlig for steget saken står i, de med passert frist først.</p>
    ${truncated && html`<p class="message notice" role="status">Listen viser bare de første sakene. Bruk «Saker» med filter for å se resten.</p>`}
    ${
      tasks.length === 0
        ? html`<p>Du har ingen oppgaver nå.</p>`
        : html`<table class="cases">
            <caption>
              Dine oppgaver (${tasks.length})
            </caption>
            <thead>
              <tr>
                <th scope="col">Elev</th>
                <th scope="col">Skole</th>
                <th scope="col">Steg</th>
                <th scope="col">Frist</th>
                <th scope="col">Hva steget venter på</th>
              </tr>
            </thead>
            <tbody>
              ${tasks.map(
                (t) => html`<tr${t.listed.row.overdue ? html` class="overdue-row"` : ''}>
        <td><a href="${caseUrl(t.listed.row.workflowId)}">${caseName(t.listed)}</a></td>
        <td>${t.listed.schoolName}</td>
        <td>${t.stepLabel}</td>
        <td>${deadlineCell(t.listed.row, now)}</td>
        <td>${t.expected.map((e) => eventNames[e]).join(', ') || '–'}</td>
      </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}
