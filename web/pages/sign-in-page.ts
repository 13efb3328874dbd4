/** «Logg inn»: username and password for local users (the embedded default). */
import { type SafeHtml, html } from '../html';
import { messageBox } from './layout';

export function signInPage(args: { csrfToken: string; username?: string; error?: string; next?: string; demoHint?: string }): SafeHtml {
  return html`<h1>Logg inn</h1>
  ${args.error && messageBox('error', args.error)}
  <form method="post" action="/logg-inn" class="sign-in">
    <input type="hidden" name="_csrf" value="${args.csrfToken}">
    ${args.next && html`<input type="hidden" name="neste" value="${args.next}">`}
    <div><label for="brukernavn">Brukernavn (e-post)</label>
      <input id="brukernavn" name="brukernavn" type="text" autocomplete="username" required value="${args.username ?? ''}"></div>
    <div><label for="passord">Passord</label>
      <input id="passord" name="passord" type="password" autocomplete="current-password" required></div>
    <div><button type="submit">Logg inn</button></div>
  </form>
  ${args.demoHint && html`<p class="muted">${args.demoHint}</p>`}`;
}
