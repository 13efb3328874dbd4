/** «Logg inn»: username and password for local users (the embedded default), and «Logg inn med <provider>» when OpenID Connect is set up. */
import { type SafeHtml, html } from '../html';
import { messageBox } from './layout';

export function signInPage(args: {
  csrfToken: string;
  username?: string;
  error?: string;
  next?: string;
  demoHint?: string;
  /** The OpenID provider's name (e.g. Feide); absent: no such button. */
  oidcName?: string | undefined;
}): SafeHtml {
  // A link, not a form: the CSP's form-action 'self' would stop a form's redirect to the provider.
  const oidcHref = `/logg-inn/oidc${args.next ? `?neste=${encodeURIComponent(args.next)}` : ''}`;
  return html`<h1>Logg inn</h1>
    ${args.error && messageBox('error', args.error)}
    ${
      args.oidcName &&
      html`<p><a class="button" href="${oidcHref}">Logg inn med ${args.oidcName}</a></p>
        <p>Eller med brukernavn og passord:</p>`
    }
    <form method="post" action="/logg-inn" class="sign-in">
      <input type="hidden" name="_csrf" value="${args.csrfToken}" />
      ${args.next && html`<input type="hidden" name="neste" value="${args.next}" />`}
      <div>
        <label for="brukernavn">Brukernavn (e-post)</label>
        <input id="brukernavn" name="brukernavn" type="text" autocomplete="username" required value="${args.username ?? ''}" />
      </div>
      <div>
        <label for="passord">Passord</label> <input id="passord" name="passord" type="password" autocomplete="current-password" required />
      </div>
      <div><button type="submit">Logg inn</button></div>
    </form>
    ${args.demoHint && html`<p class="muted">${args.demoHint}</p>`}`;
}
