/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 *
 * «Oversikt», «Rutiner» and «Revisjon» over HTTP (fastify inject) and in a real browser, against
 * a Temporal dev server with a worker (test/web/helpers/web-env.ts): each person sees the counts
 * of their own scope only, the school filter narrows and refuses a school outside the scope, the
 * procedure page shows steps, diagram and counts, «Revisjon» is for auditors and administrators
 * only and shows the latest report (or says how to make one), and the full report is served with
 * a CSP that allows its inline style and no script. Each page passes axe-core (WCAG 2.1 AA).
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible, launchBrowser, newPage, saveScreenshot } from '../helpers/browser';
import { signIn } from './helpers/browser-steps';
import { Session } from './helpers/session';
import { createWebTestEnv, type WebTestEnv } from './helpers/web-env';
import { auditReportFixture } from './overview/audit-fixture';

jest.setTimeout(240_000);

const S001 = 'Syntetisk barneskole 001';
const S002 = 'Syntetisk ungdomsskole 002';
const PROCEDURE = 'tiltaksplan-elevfravaer';

let w: WebTestEnv;
let auditDir: string;
let browser: Browser | undefined;
let baseURL: string;

beforeAll(async () => {
  auditDir = mkdtempSync(join(tmpdir(), 'web-audit-'));
  w = await createWebTestEnv({ signInAttemptsPerMinute: 100, auditDir });
  await w.openCase('S001', 'E1'); // Kari Kontakt's pupil
  await w.openCase('S001', 'E2');
  await w.openCase('S002', 'E9');
  const overdue = await w.openCase('S002', 'E8', 42);
  await w.waitForListed(overdue, true);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await w?.close();
  rmSync(auditDir, { recursive: true, force: true });
});

async function signedIn(username: string): Promise<Session> {
  const s = new Session(w.app);
  expect((await s.signIn(username)).statusCode).toBe(303);
  return s;
}

/** The numbers of the overview table's row for `name` (stages…, open, overdue, closed this term). */
/** The markup with the formatter's line breaks and indentation between tags taken out. */
const compact = (body: string) => body.replace(/>\s+</g, '><').replace(/\s+>/g, '>').replace(/\s+/g, ' ');

function rowNumbers(body: string, name: string): number[] {
  const row = new RegExp(`<tr><th scope="row">${name}</th>((?:<td>\\d+</td>)+)</tr>`).exec(compact(body));
  if (!row) throw new Error(`no row for ${name}`);
  return [...row[1]!.matchAll(/<td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
}
/** [open, overdue] of an overview row. */
const openAndOverdue = (body: string, name: string) => rowNumbers(body, name).slice(5, 7);

describe('Oversikt', () => {
  test('a request without a session is sent to sign in', async () => {
    const r = await new Session(w.app).get('/oversikt');
    expect([r.statusCode, r.headers.location]).toEqual([303, '/logg-inn?neste=%2Foversikt']);
  });

  test('a contact teacher sees only their own pupils’ cases at their own school', async () => {
    const r = await (await signedIn('kontaktlaerer')).get('/oversikt');
    expect(r.statusCode).toBe(200);
    expect(openAndOverdue(r.body, S001)).toEqual([1, 0]);
    expect(r.body).not.toContain(S002);
    expect(r.body).toContain('Du ser bare sakene til dine egne elever.');
  });

  test('a principal sees every case at the school; a coordinator every school of the municipality with the total', async () => {
    const principal = await (await signedIn('rektor')).get('/oversikt');
    expect(openAndOverdue(principal.body, S001)).toEqual([2, 0]);
    expect(principal.body).not.toContain(S002);
    const coordinator = await (await signedIn('koordinator')).get('/oversikt');
    expect(openAndOverdue(coordinator.body, S001)).toEqual([2, 0]);
    expect(openAndOverdue(coordinator.body, S002)).toEqual([2, 1]);
    expect(openAndOverdue(coordinator.body, 'Totalt for kommunen')).toEqual([4, 1]);
    // Every case was opened within the last twelve months: the chart's description adds up to 4.
    const desc = /<desc id="diagram-[^"]*totalt-beskrivelse">([^<]*)<\/desc>/.exec(compact(coordinator.body))?.[1] ?? '';
    expect([...desc.matchAll(/: (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0)).toBe(4);
    expect(coordinator.body).toMatch(/<caption>\s*Nye saker per måned, totalt for/);
  });

  test('the school filter narrows to one school, and a school outside the scope is refused (403)', async () => {
    const coordinator = await signedIn('koordinator');
    const one = await coordinator.get('/oversikt?skole=S002');
    expect(openAndOverdue(one.body, S002)).toEqual([2, 1]);
    expect(compact(one.body)).not.toContain(`<th scope="row">${S001}</th>`);
    expect(compact(one.body)).toContain('<option value="S002" selected>');
    const teacher = await signedIn('kontaktlaerer');
    const refused = await teacher.get('/oversikt?skole=S002');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Ingen tilgang');
  });
});

describe('Rutiner', () => {
  test('every current procedure is listed with the open cases the person may see', async () => {
    const teacher = await (await signedIn('kontaktlaerer')).get('/rutiner');
    expect(teacher.statusCode).toBe(200);
    expect(teacher.body).toContain(`href="/rutiner/${PROCEDURE}"`);
    expect(teacher.body).toContain('href="/rutiner/hardanger-handlingsplan"');
    const total = (body: string) => Number(new RegExp(`href="/rutiner/${PROCEDURE}"[\\s\\S]*?<td>(\\d+)</td>\\s*</tr>`).exec(body)?.[1]);
    expect(total(teacher.body)).toBe(1);
    expect(total((await (await signedIn('koordinator')).get('/rutiner')).body)).toBe(4);
  });

  test('a procedure page shows its steps with responsible roles, documents and clauses, and the diagram with a text alternative', async () => {
    const s = await signedIn('kontaktlaerer');
    const r = await s.get(`/rutiner/${PROCEDURE}`);
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatch(
      /<img class="diagram" src="\/rutiner\/tiltaksplan-elevfravaer\/diagram.svg" alt="Diagram over rutinen «[^"]+»: \d+ steg/,
    );
    expect(r.body).toContain('kontaktlærer');
    expect(r.body).toMatch(/<span class="clause-id">C\.[0-9.a-z]+<\/span>/);
    // Clauses are given in Norwegian (machines/clause-texts.ts) with their source and section.
    expect(compact(r.body)).toMatch(
      /<span class="clause-id">C\.[0-9.a-z]+<\/span>: [A-ZÆØÅ][^<]+ <span class="muted">\([^<]+, punkt [^<]+\)<\/span>/,
    );
    // Internal state ids never reach the page.
    expect(r.body).not.toMatch(/open\.[a-z]+\.[a-zA-Z]+/);
    const svg = await s.get(`/rutiner/${PROCEDURE}/diagram.svg`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toContain('<svg');
    expect(svg.body).toContain('Åpne saker per fase');
  });

  test('an unknown procedure is a Norwegian 404 that names the known ones', async () => {
    const r = await (await signedIn('rektor')).get('/rutiner/finnes-ikke');
    expect(r.statusCode).toBe(404);
    expect(r.body).toContain('Finner ikke rutinen');
    expect(r.body).toContain(PROCEDURE);
  });
});

describe('Revisjon', () => {
  test('a contact teacher, a principal and a coordinator get 403 in Norwegian, for the page and the report', async () => {
    for (const username of ['kontaktlaerer', 'rektor', 'koordinator']) {
      const s = await signedIn(username);
      for (const url of ['/revisjon', '/revisjon/rapport']) {
        const r = await s.get(url);
        expect([username, url, r.statusCode]).toEqual([username, url, 403]);
        expect(r.body).toContain('bare for revisorer og administratorer');
      }
      expect((await s.get('/oversikt')).body).not.toContain('href="/revisjon"');
    }
  });

  test('without a report the auditor is told so and how to make one', async () => {
    const s = await signedIn('revisor');
    const r = await s.get('/revisjon');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Det finnes ingen revisjonsrapport ennå.');
    expect(r.body).toContain('npm run audit');
    expect((await s.get('/revisjon/rapport')).statusCode).toBe(404);
  });

  test('with a report the auditor sees its summary, and the full report is served with inline style allowed and no script', async () => {
    writeFileSync(join(auditDir, 'audit.json'), JSON.stringify(auditReportFixture()));
    writeFileSync(
      join(auditDir, 'index.html'),
      '<!DOCTYPE html><html lang="nb"><head><style>h1{color:#000}</style><title>Revisjon</title></head><body><h1>Rapport</h1></body></html>',
    );
    try {
      const s = await signedIn('revisor');
      const r = await s.get('/revisjon');
      expect(r.body).toContain('30.11.2026 kl. 13:00');
      expect(r.body).toContain('Revisjonen fant feil.');
      expect(r.body).toContain('9 av 10 (90 %)');
      expect(r.body).toContain('<td>2 av 3</td>');
      // Caught of those not equivalent: 4 of 6 − 1.
      expect(r.body).toContain('<td>4 av 5</td>');
      expect(r.body).toContain('og 1 ekvivalente');
      expect(r.body).toContain('1 mutant overlevde');
      expect(r.body).toContain('href="/revisjon/rapport"');
      const full = await s.get('/revisjon/rapport');
      expect(full.statusCode).toBe(200);
      expect(full.body).toContain('<h1>Rapport</h1>');
      const csp = String(full.headers['content-security-policy']);
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("script-src 'none'");
      // Every other page keeps the strict policy.
      expect(String(r.headers['content-security-policy'])).not.toContain('unsafe-inline');
    } finally {
      unlinkSync(join(auditDir, 'audit.json'));
      unlinkSync(join(auditDir, 'index.html'));
    }
  });
});

describe('in the browser', () => {
  beforeAll(async () => {
    await w.app.listen({ host: '127.0.0.1', port: 0 });
    baseURL = `http://127.0.0.1:${(w.app.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  async function as(username: string): Promise<Page> {
    const page = await newPage(browser!, { baseURL });
    await signIn(page, username);
    return page;
  }

  async function check(page: Page, name: string): Promise<void> {
    await expectAccessible(page, name);
    await saveScreenshot(page, name);
  }

  test('«Oversikt» is accessible, its chart is an image with a name, and the filter narrows by school', async () => {
    const page = await as('koordinator');
    await page.getByRole('link', { name: 'Oversikt', exact: true }).click();
    await page.waitForURL('**/oversikt');
    await expect(page.getByRole('img', { name: /^Nye saker per måned, totalt for / }).getAttribute('aria-describedby')).resolves.toMatch(
      /-beskrivelse$/,
    );
    await check(page, 'oversikt-koordinator');
    await page.getByLabel('Skole', { exact: true }).selectOption('S002');
    await page.getByRole('button', { name: 'Vis oversikt' }).click();
    await page.waitForURL(/skole=S002/);
    await expect(page.locator('table.overview tbody th').allTextContents()).resolves.toEqual([S002]);
    await check(page, 'oversikt-filtrert');
    await page.context().close();
  });

  test('«Rutiner» and a procedure page with its diagram are accessible', async () => {
    const page = await as('kontaktlaerer');
    await page.getByRole('link', { name: 'Rutiner', exact: true }).click();
    await page.waitForURL('**/rutiner');
    await check(page, 'rutiner');
    await page.locator(`a[href="/rutiner/${PROCEDURE}"]`).click();
    await page.waitForURL(`**/rutiner/${PROCEDURE}`);
    const loaded = await page.locator('img.diagram').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(loaded).toBeGreaterThan(0);
    await check(page, 'rutine');
    await page.context().close();
  });

  test('«Revisjon» is accessible for the auditor, with and without a report', async () => {
    const page = await as('revisor');
    await page.getByRole('link', { name: 'Revisjon', exact: true }).click();
    await page.waitForURL('**/revisjon');
    await check(page, 'revisjon-uten-rapport');
    writeFileSync(join(auditDir, 'audit.json'), JSON.stringify(auditReportFixture()));
    try {
      await page.reload();
      await expect(page.getByRole('table').first().textContent()).resolves.toContain('Tiltaksplan ved elevfravær');
      await check(page, 'revisjon');
    } finally {
      unlinkSync(join(auditDir, 'audit.json'));
    }
    await page.context().close();
  });
});
