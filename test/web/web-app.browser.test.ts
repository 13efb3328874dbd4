/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * The web application in a real browser (Debian's Chromium through playwright-core), against a
 * Temporal dev server with a worker, SQLite with the people directory and an archive: each role
 * signs in and sees its own cases, «Saker» filters with htmx, a contact teacher records a contact
 * with the guardians through its contact-log form, a principal files a mapping form and opens its
 * PDF, refusals and 403s are shown in Norwegian, and an auditor gets no forms. Every page visited
 * is checked with axe-core (WCAG 2.1 AA) and saved as a screenshot under reports/web/.
 */
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible, keyboardWalk, launchBrowser, newPage, saveScreenshot } from '../helpers/browser';
import { toPlanningAfterLeadershipMeeting } from './helpers/case-route';
import { fillRequired, signIn } from './helpers/browser-steps';
import { createWebTestEnv, type WebTestEnv } from './helpers/web-env';

jest.setTimeout(240_000);

let w: WebTestEnv;
let browser: Browser;
let baseURL: string;
let ola: string; // E1 at S001, Kari Kontakt's pupil (Ola Nordmann)
let siri: string; // E2 at S001, another contact teacher's pupil (Siri Nordmann), at the mapping step
let elsewhere: string; // E9 at S002
let overdue: string; // E8 at S002, opened six weeks ago: its first deadline has passed

beforeAll(async () => {
  w = await createWebTestEnv({ signInAttemptsPerMinute: 100 });
  ola = await w.openCase('S001', 'E1');
  siri = await w.openCase('S001', 'E2');
  elsewhere = await w.openCase('S002', 'E9');
  overdue = await w.openCase('S002', 'E8', 42);
  await w.waitForListed(overdue, true);
  await toPlanningAfterLeadershipMeeting(w.cases, siri);
  await w.app.listen({ host: '127.0.0.1', port: 0 });
  baseURL = `http://127.0.0.1:${(w.app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

const today = () => new Date().toISOString().slice(0, 10);

/** A fresh browser context signed in as `username`. */
async function as(username: string): Promise<Page> {
  const page = await newPage(browser, { baseURL });
  await signIn(page, username);
  return page;
}

/** Checks the page with axe-core and saves its screenshot. */
async function check(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await saveScreenshot(page, name);
}

/** The pupil names in the «Saker» table (links in its first column). */
async function listedPupils(page: Page): Promise<string[]> {
  return (await page.locator('#case-results table.cases tbody tr td:first-child a').allTextContents()).sort();
}

/** The listed pupils once htmx has swapped the table to `expected` (or what is listed after 10 s). */
async function listedPupilsBecome(page: Page, expected: string[]): Promise<string[]> {
  let listed: string[] = [];
  for (let i = 0; i < 100; i++) {
    listed = await listedPupils(page);
    if (JSON.stringify(listed) === JSON.stringify(expected)) break;
    await page.waitForTimeout(100);
  }
  return listed;
}

test('the sign-in page is accessible, and a wrong password is answered in Norwegian', async () => {
  const page = await newPage(browser, { baseURL });
  await page.goto('/saker');
  expect(new URL(page.url()).pathname).toBe('/logg-inn');
  await check(page, 'logg-inn');
  await page.getByLabel('Brukernavn (e-post)').fill('kontaktlaerer');
  await page.getByLabel('Passord').fill('feil');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page.getByRole('alert').textContent()).resolves.toContain('Feil brukernavn eller passord');
  await check(page, 'logg-inn-feil');
  await page.context().close();
});

test('each role signs in and sees its own cases', async () => {
  const expected: Record<string, string[]> = {
    kontaktlaerer: ['Ola Nordmann'],
    rektor: ['Ola Nordmann', 'Siri Nordmann'],
    koordinator: ['Elev E8', 'Elev E9', 'Ola Nordmann', 'Siri Nordmann'],
    revisor: ['Elev E8', 'Elev E9', 'Ola Nordmann', 'Siri Nordmann'],
  };
  for (const [username, pupils] of Object.entries(expected)) {
    const page = await as(username);
    expect(new URL(page.url()).pathname).toBe('/oppgaver');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Mine oppgaver');
    await check(page, `oppgaver-${username}`);
    if (username === 'kontaktlaerer') await expect(page.locator('main table').textContent()).resolves.toContain('Ola Nordmann');
    if (username === 'revisor') await expect(page.locator('main').textContent()).resolves.toContain('Du har ingen oppgaver nå.');
    await page.getByRole('link', { name: 'Saker', exact: true }).click();
    await page.waitForURL('**/saker');
    expect([username, await listedPupils(page)]).toEqual([username, pupils]);
    await check(page, `saker-${username}`);
    await page.context().close();
  }
});

test('«Saker» filters by school and by passed deadline', async () => {
  const page = await as('koordinator');
  await page.goto('/saker');
  await page.getByLabel('Skole').selectOption('S002');
  await page.getByRole('button', { name: 'Vis saker' }).click();
  await page.waitForURL(/skole=S002/);
  expect(await listedPupilsBecome(page, ['Elev E8', 'Elev E9'])).toEqual(['Elev E8', 'Elev E9']);
  await page.getByLabel('Bare saker med passert frist').check();
  await page.getByRole('button', { name: 'Vis saker' }).click();
  await page.waitForURL(/forfalt=ja/);
  expect(await listedPupilsBecome(page, ['Elev E8'])).toEqual(['Elev E8']);
  await check(page, 'saker-filtrert');
  // The filtered address works without script too (a bookmark, a reload).
  await page.reload();
  expect(await listedPupils(page)).toEqual(['Elev E8']);
  await expect(page.getByLabel('Bare saker med passert frist').isChecked()).resolves.toBe(true);
  await page.context().close();
});

test('a contact teacher opens the case, records a contact with the guardians and sees the step change and the timeline grow', async () => {
  const page = await as('kontaktlaerer');
  await page.goto('/saker');
  await page.getByRole('link', { name: 'Ola Nordmann' }).click();
  await page.waitForURL(`**/saker/${ola}`);
  await check(page, 'sak');
  const stepBefore = await page.locator('.step-label').textContent();
  const rowsBefore = await page.locator('table.timeline tbody tr').count();
  await page.getByRole('link', { name: 'Kontakt med foresatte', exact: true }).click();
  await page.waitForURL(`**/saker/${ola}/hendelser/guardians.contacted`);
  await check(page, 'skjema-kontakt-med-foresatte');
  await page.getByRole('group', { name: 'Hvordan foresatte ble kontaktet' }).getByLabel('Telefon').check();
  await page.getByRole('group', { name: 'Årsak til fraværet, slik foresatte oppgir den' }).getByLabel('Forhold på skolen').check();
  await page.getByLabel('Dato for samtalen').fill(today());
  await page.getByRole('group', { name: 'Kanal' }).getByLabel('Telefon').check();
  await page.getByLabel('Hva som ble avtalt').fill('Eleven kommer på skolen i morgen.');
  await page.getByLabel('Neste steg', { exact: true }).fill('Elevsamtale.');
  // First without «Hva samtalen handlet om»: the form comes back (422) with the error at the field and the rest kept.
  const [invalid] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Lagre dokumentet og registrer' }).click(),
  ]);
  expect(invalid.status()).toBe(422);
  await page.waitForLoadState();
  const summary = page.getByLabel('Hva samtalen handlet om');
  await expect(summary.getAttribute('aria-invalid')).resolves.toBe('true');
  const error = page.locator('.form-error').first();
  await expect(error.isVisible()).resolves.toBe(true);
  // Shown in the error colour, not as ordinary text.
  await expect(
    error.evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(e).color),
  ).resolves.toBe('rgb(164, 22, 26)');
  await expect(page.getByLabel('Hva som ble avtalt').inputValue()).resolves.toBe('Eleven kommer på skolen i morgen.');
  await expect(page.getByLabel('Dato for samtalen').inputValue()).resolves.toBe(today());
  await expect(page.getByRole('group', { name: 'Hvordan foresatte ble kontaktet' }).getByLabel('Telefon').isChecked()).resolves.toBe(true);
  await check(page, 'skjema-kontakt-med-foresatte-feil');
  expect(await w.archiveDocuments(`sak-S001-E1`)).toEqual([]);
  await summary.fill('Samtale med mor om fraværet de siste dagene.');
  await page.getByRole('button', { name: 'Lagre dokumentet og registrer' }).click();
  await page.waitForURL(/registrert=guardians\.contacted/);
  await expect(page.getByRole('status').first().textContent()).resolves.toContain('«Kontakt med foresatte» er registrert.');
  expect(await page.locator('.step-label').textContent()).not.toBe(stepBefore);
  expect(await page.locator('table.timeline tbody tr').count()).toBeGreaterThan(rowsBefore);
  await expect(page.locator('#dokumenter').locator('..').textContent()).resolves.toMatch(/[Ll]ogg fra samtale/);
  await check(page, 'sak-etter-kontakt');
  await page.context().close();
});

test('the case page can be walked with the keyboard to its step links, with focus visible at every stop', async () => {
  const page = await as('rektor');
  await page.goto(`/saker/${siri}`);
  const stops = await keyboardWalk(page, 120);
  const invisible = stops.filter((s) => !s.focusVisible);
  expect(invisible).toEqual([]);
  expect(stops.map((s) => s.name)).toEqual(expect.arrayContaining(['Hopp til hovedinnholdet', 'Saker']));
  const stepLinks = stops.filter((s) => s.role === 'link' && /Kartlegging|Elevens stemme/.test(s.name));
  expect(stepLinks.length).toBeGreaterThan(0);
  await page.context().close();
});

test('a principal files a mapping form and opens its PDF', async () => {
  const page = await as('rektor');
  await page.goto(`/saker/${siri}`);
  // The situation mapping (Kartleggingsskjema), one of mapping.completed's variants.
  await page.locator('a[href$="/hendelser/mapping.completed?form=situation-mapping"]').click();
  await page.waitForURL(/hendelser\/mapping\.completed\?form=situation-mapping/);
  await check(page, 'skjema-kartlegging');
  const filled = await fillRequired(page, 'Skrevet i testen.', today());
  expect(filled.length).toBeGreaterThan(0);
  await page.locator('main form button[type="submit"]').click();
  await page.waitForURL(/registrert=mapping\.completed/, { timeout: 30_000 }).catch(async (err: unknown) => {
    throw new Error(`${String(err)}\n${filled.join(', ')}\n${await page.locator('main').innerText()}`);
  });
  const pdfLink = page.getByRole('link', { name: /kartlegging/i }).and(page.locator('a[href*="/dokumenter/"]'));
  await expect(pdfLink.count()).resolves.toBe(1);
  const href = await pdfLink.getAttribute('href');
  expect(href).toBeTruthy();
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/pdf');
  expect((await response.body()).subarray(0, 4).toString('latin1')).toBe('%PDF');
  await check(page, 'sak-etter-kartlegging');
  await page.context().close();
});

test('a refused event shows its reason, and a case of another school is 403', async () => {
  const page = await as('kontaktlaerer');
  const refused = await page.goto(`/saker/${ola}/hendelser/evaluation.held`);
  expect(refused?.status()).toBe(409);
  await expect(page.getByRole('alert').textContent()).resolves.toContain('Ingenting er endret');
  await check(page, 'avvist');
  const forbidden = await page.goto(`/saker/${elsewhere}`);
  expect(forbidden?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Ingen tilgang');
  await check(page, 'ingen-tilgang');
  await page.context().close();
});

test('an auditor sees the case without forms and gets 403 on a form address', async () => {
  const page = await as('revisor');
  await page.goto(`/saker/${siri}`);
  await expect(page.locator('a[href*="/hendelser/"]').count()).resolves.toBe(0);
  await expect(page.locator('main form').count()).resolves.toBe(0);
  await check(page, 'sak-revisor');
  const response = await page.goto(`/saker/${siri}/hendelser/mapping.completed`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('alert').textContent()).resolves.toContain('lesetilgang');
  await check(page, 'ingen-tilgang-revisor');
  await page.context().close();
});
