/**
 * The browser-test helpers (test/helpers/browser.ts) against two tiny pages served with a strict
 * Content-Security-Policy, as the web app will send: one that meets WCAG 2.1 AA and one with
 * known faults. Each check must pass on the first and fail, naming the fault, on the second.
 */
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, expectAccessible, keyboardWalk, launchBrowser, newPage, saveScreenshot } from '../helpers/browser';

/** What the app will send: nothing inline, nothing from elsewhere. */
const CSP = "default-src 'self'";

const pages: Record<string, { type: string; body: string }> = {
  '/god': {
    type: 'text/html; charset=utf-8',
    // The inline script must be blocked by the CSP: proof the policy is in force while axe runs.
    body: `<!doctype html>
<html lang="nb">
<head><meta charset="utf-8"><title>Meld fravær</title><script>window.inlineRan = true;</script></head>
<body><main>
<h1>Meld fravær</h1>
<form action="/god" method="get">
<label for="navn">Elevens navn</label>
<input id="navn" name="navn" type="text">
<button type="submit">Send melding</button>
</form>
</main></body>
</html>`,
  },
  '/feil': {
    type: 'text/html; charset=utf-8',
    body: `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Feil side</title><link rel="stylesheet" href="/feil.css"></head>
<body><main>
<h1>Meld fravær</h1>
<p class="blek">Denne teksten er nesten usynlig.</p>
<a href="/god" id="skjult-fokus">Til forsiden</a>
<input id="uten-etikett" name="navn" type="text">
</main></body>
</html>`,
  },
  // A stylesheet from 'self' (inline styles are blocked): low contrast and a removed focus ring.
  '/feil.css': {
    type: 'text/css; charset=utf-8',
    body: '.blek { color: #c8c8c8; background: #ffffff; } a:focus { outline: none; }',
  },
};

let server: Server;
let browser: Browser;
let page: Page;
let launchMs: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    const page = pages[new URL(req.url ?? '/', 'http://127.0.0.1').pathname];
    if (!page) {
      res.writeHead(404, { 'content-security-policy': CSP }).end();
      return;
    }
    res.writeHead(200, { 'content-type': page.type, 'content-security-policy': CSP }).end(page.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const started = Date.now();
  browser = await launchBrowser();
  launchMs = Date.now() - started;
  page = await newPage(browser, { baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}, 60_000);

afterAll(async () => {
  await page?.context().close();
  await browser?.close();
  if (server) {
    server.close();
    server.closeAllConnections();
  }
});

test('the browser starts within a generous bound', () => {
  // Measured on the 2-core CI machine; a bound catches a browser that hangs on start-up.
  expect(launchMs).toBeLessThan(30_000);
});

test('launchBrowser names the install script when Chromium is missing', async () => {
  await expect(launchBrowser({ executablePath: '/finnes/ikke/chromium' })).rejects.toThrow(/scripts\/install-chromium\.sh/);
});

test('a page is Norwegian: locale nb-NO, Oslo time, the fixed viewport', async () => {
  await page.goto('/god');
  const seen = await page.evaluate(() => {
    const nav = (globalThis as unknown as { navigator: { language: string } }).navigator;
    return { language: nav.language, zone: Intl.DateTimeFormat().resolvedOptions().timeZone };
  });
  expect(seen).toEqual({ language: 'nb-NO', zone: 'Europe/Oslo' });
  expect(page.viewportSize()).toEqual({ width: 1280, height: 800 });
});

test('an accessible page passes axe-core under a strict CSP that blocks inline scripts', async () => {
  await page.goto('/god');
  expect(await page.evaluate(() => (globalThis as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
  await expect(expectAccessible(page, 'god')).resolves.toBeUndefined();
  // A second run on the same document reuses the injected axe-core.
  expect(await axeViolations(page)).toEqual([]);
});

test('a faulty page fails, naming the missing label, language and contrast', async () => {
  await page.goto('/feil');
  const ids = (await axeViolations(page)).map((v) => v.id).sort();
  expect(ids).toEqual(['color-contrast', 'html-has-lang', 'label']);
  const error = await expectAccessible(page, 'feil').then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error?.message).toMatch(/siden «feil».*bryter 3 WCAG 2\.1 AA-regler/);
  expect(error?.message).toMatch(/^- label \(critical\): .*\[#uten-etikett\]/m);
  expect(error?.message).toMatch(/^- html-has-lang \(serious\): .*\[html\]/m);
  expect(error?.message).toMatch(/^- color-contrast \(serious\): .*\[p\]/m);
});

test('axeViolations can check only part of a page', async () => {
  await page.goto('/feil');
  expect((await axeViolations(page, '#uten-etikett')).map((v) => v.id)).toEqual(['label']);
});

test('Tab reaches the input and then the button, each with a visible focus', async () => {
  await page.goto('/god');
  // Focus somewhere in the middle first: the walk must still start at the top.
  await page.focus('button');
  const stops = await keyboardWalk(page, 10);
  expect(stops.map(({ tag, id, role, name, focusVisible }) => ({ tag, id, role, name, focusVisible }))).toEqual([
    { tag: 'input', id: 'navn', role: 'textbox', name: 'Elevens navn', focusVisible: true },
    { tag: 'button', id: null, role: 'button', name: 'Send melding', focusVisible: true },
  ]);
});

test('Tab shows when a link has its focus ring removed', async () => {
  await page.goto('/feil');
  const stops = await keyboardWalk(page, 10);
  expect(stops.map(({ id, role, name, focusVisible }) => ({ id, role, name, focusVisible }))).toEqual([
    { id: 'skjult-fokus', role: 'link', name: 'Til forsiden', focusVisible: false },
    { id: 'uten-etikett', role: 'textbox', name: '', focusVisible: true },
  ]);
});

test('keyboardWalk stops after maxTabs', async () => {
  await page.goto('/god');
  expect((await keyboardWalk(page, 1)).map((s) => s.id)).toEqual(['navn']);
});

test('a full-page screenshot is written under reports/web/', async () => {
  await page.goto('/god');
  const path = await saveScreenshot(page, 'browser-helpers-god');
  expect(path).toMatch(/reports\/web\/browser-helpers-god\.png$/);
  rmSync(path, { force: true });
  await saveScreenshot(page, 'browser-helpers-god');
  expect(existsSync(path)).toBe(true);
  // The PNG signature: a real image, not an empty file.
  expect(readFileSync(path).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  await expect(saveScreenshot(page, '../utenfor')).rejects.toThrow(/ugyldig navn på skjermbilde: «\.\.\/utenfor»/);
});
