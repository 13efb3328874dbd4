/** The pages of an OpenID sign-in that did not end with the user signed in, in Norwegian. */
import { html } from '../html';
import { messageBox, page } from '../pages/layout';

/** A refused or failed sign-in: what happened, and the way back to the sign-in page. */
export function oidcRefusalPage(title: string, text: string): string {
  return page({
    title,
    body: html`<h1>${title}</h1>
      ${messageBox('error', text)}
      <p><a href="/logg-inn">Tilbake til innloggingen</a></p>`,
  });
}
