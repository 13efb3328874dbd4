/**
 * A browser's part for `app.inject` tests: a cookie jar that follows the sealed session cookie
 * (resealed on every response), signing in through the real form with its CSRF token, and the
 * CSRF token and inputs of any page's form.
 */
import type { WebApp } from '../../../web/server';
import { PASSWORD } from './web-env';

type InjectResponse = Awaited<ReturnType<WebApp['inject']>>;

let address = 0;

/** One person's requests: their cookies and their own client address (the sign-in limit is per address). */
export class Session {
  /** Cookie values as light-my-request gives them: decoded, so they are encoded again when sent. */
  private cookies = new Map<string, string>();
  readonly remoteAddress = `10.1.${Math.floor(++address / 250)}.${address % 250}`;

  constructor(private readonly app: WebApp) {}

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string | string[]>): Promise<InjectResponse> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    let payload: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      payload = body.toString();
    }
    const response = await this.app.inject({
      method,
      url,
      headers,
      remoteAddress: this.remoteAddress,
      ...(payload !== undefined ? { payload } : {}),
    });
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return response;
  }

  /** The Cookie header this session sends, for requests `request` does not make (JSON, other methods). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  get(url: string): Promise<InjectResponse> {
    return this.request('GET', url);
  }

  /** Opens `formUrl` (default `url`), then posts to `url` with the page's hidden inputs, its CSRF token and `fields`. */
  async submit(url: string, fields: Record<string, string | string[]>, formUrl = url): Promise<InjectResponse> {
    const page = await this.get(formUrl);
    // As a browser would: the form's hidden inputs (neste, eventId) go with it.
    return this.request('POST', url, { ...hiddenInputs(page.body), _csrf: csrfOf(page.body), ...fields });
  }

  async signIn(username: string, password = PASSWORD): Promise<InjectResponse> {
    return this.submit('/logg-inn', { brukernavn: username, passord: password }, '/logg-inn');
  }
}

/** The CSRF token of the page's first form. */
export function csrfOf(markup: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(markup)?.[1];
  if (!token) throw new Error(`the page has no CSRF token: ${markup.slice(0, 300)}`);
  return token;
}

/** The hidden inputs of the page's forms (eventId, a variant's fixed fields), without the CSRF token. */
export function hiddenInputs(markup: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of markup.match(/<input type="hidden"[^>]*>/g) ?? []) {
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    const value = /value="([^"]*)"/.exec(tag)?.[1];
    if (name && name !== '_csrf' && value !== undefined) out[name] = value;
  }
  return out;
}
