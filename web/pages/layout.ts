/**
 * The frame of every page: language, title, skip link, the main navigation (what the person's
 * role may open) and who is signed in. No inline script or style: the Content Security Policy
 * forbids them; htmx and the style sheet come from /static. htmx sends the CSRF token as a header
 * on every request it makes (`hx-headers` on the body).
 */
import { type HtmlValue, type SafeHtml, html } from '../html';
import { type WebUser, webRoleNames } from '../users/web-user';

export const APP_NAME = 'Skolefravær – oppfølging';

export interface PageFrame {
  title: string;
  /** The signed-in person; absent on the sign-in page. */
  user?: WebUser;
  csrfToken?: string;
  /** The navigation entry to mark as current ('/oppgaver', '/saker', …). */
  current?: string;
  body: HtmlValue;
}

function navigation(user: WebUser, current: string | undefined): SafeHtml {
  const entries: [string, string][] = [
    ['/oppgaver', 'Mine oppgaver'],
    ['/saker', 'Saker'],
    ['/oversikt', 'Oversikt'],
    ['/rutiner', 'Rutiner'],
  ];
  if (user.role === 'contact-teacher' || user.role === 'principal' || user.role === 'coordinator')
    entries.splice(2, 0, ['/saker/ny', 'Åpne sak']);
  if (user.role === 'auditor' || user.role === 'administrator') entries.push(['/tilgangslogg', 'Tilgangslogg']);
  if (user.role === 'auditor' || user.role === 'administrator') entries.push(['/revisjon', 'Revisjon']);
  return html`<nav aria-label="Hovedmeny">
    <ul>
      ${entries.map(([href, label]) => html`<li><a href="${href}" ${current === href ? html` aria-current="page"` : ''}>${label}</a></li>`)}
    </ul>
  </nav>`;
}

export function page(frame: PageFrame): string {
  const { user } = frame;
  const headers = frame.csrfToken ? JSON.stringify({ 'x-csrf-token': frame.csrfToken }) : undefined;
  return html`<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} – ${APP_NAME}</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/htmx.min.js" defer></script>
</head>
<body${headers ? html` hx-headers="${headers}"` : ''}>
<a class="skip-link" href="#hovedinnhold">Hopp til hovedinnholdet</a>
<header class="site-header">
  <p class="app-name"><a href="/">${APP_NAME}</a></p>
  ${user && navigation(user, frame.current)}
  ${
    user &&
    html`<div class="signed-in">
      <span>${user.displayName} (${webRoleNames[user.role]})</span>
      <form method="post" action="/logg-ut">
        <input type="hidden" name="_csrf" value="${frame.csrfToken ?? ''}" />
        <button type="submit" class="link-button">Logg ut</button>
      </form>
    </div>`
  }
</header>
<main id="hovedinnhold" tabindex="-1">
${frame.body}
</main>
</body>
</html>`.value;
}

/** A message box: an error (role alert, read out at once) or a notice. */
export function messageBox(kind: 'error' | 'notice', text: HtmlValue): SafeHtml {
  return kind === 'error'
    ? html`<div class="message error" role="alert">${text}</div>`
    : html`<div class="message notice" role="status">${text}</div>`;
}
