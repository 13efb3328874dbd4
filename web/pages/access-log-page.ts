/** «Tilgangslogg»: who opened which case and when, newest first, for auditors and administrators. */
import type { CaseAccessEntry } from '../users/user-store';
import { type WebUser, webRoleNames } from '../users/web-user';
import { type SafeHtml, html } from '../html';
import { timeText } from './format';
import { caseUrl } from './urls';

const ACTION_NAMES: Record<CaseAccessEntry['action'], string> = {
  view: 'åpnet saken',
  document: 'åpnet et dokument',
  decode: 'leste data i Temporal Web UI',
};

export function accessLogPage(args: {
  entries: readonly CaseAccessEntry[];
  users: Map<string, WebUser>;
  filter: { sak?: string; bruker?: string };
  olderLink?: string;
}): SafeHtml {
  return html`<h1>Tilgangslogg</h1>
    <p>Hver gang noen åpner en sak eller et dokument i saken, blir det logget her. Nyeste først.</p>
    <form method="get" action="/tilgangslogg" class="filters">
      <div><label for="l-sak">Saks-id</label><input id="l-sak" name="sak" value="${args.filter.sak ?? ''}" /></div>
      <div><label for="l-bruker">Brukernavn</label><input id="l-bruker" name="bruker" value="${args.filter.bruker ?? ''}" /></div>
      <div><button type="submit">Vis</button></div>
    </form>
    ${
      args.entries.length === 0
        ? html`<p>Ingen oppføringer passer.</p>`
        : html`<table>
            <caption>
              Oppføringer (${args.entries.length})
            </caption>
            <thead>
              <tr>
                <th scope="col">Tidspunkt</th>
                <th scope="col">Hvem</th>
                <th scope="col">Hva</th>
                <th scope="col">Sak</th>
              </tr>
            </thead>
            <tbody>
              ${args.entries.map((e) => {
                const user = args.users.get(e.userId);
                return html`<tr>
                  <td>${timeText(e.openedAt)}</td>
                  <td>${user ? `${user.displayName} (${webRoleNames[user.role]}, ${user.username})` : e.userId}</td>
                  <td>${ACTION_NAMES[e.action] ?? e.action}</td>
                  <td>${e.action === 'decode' ? e.workflowId : html`<a href="${caseUrl(e.workflowId)}">${e.workflowId}</a>`}</td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
    ${args.olderLink && html`<p><a href="${args.olderLink}">Eldre oppføringer</a></p>`}`;
}
