/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 *
 * «Revisjon av saker» over HTTP (fastify inject) against a Temporal dev server with a worker: an
 * auditor audits the real cases of a school and a period, sees per school and per case what was
 * found (a case opened weeks late has findings; one opened today has none), downloads the same
 * report as CSV and JSON, and gets the county governor's copy without names. Contact teachers
 * and municipal coordinators are refused, an auditor limited to a municipality cannot audit
 * another's school, and bad dates get a Norwegian message naming the value.
 */
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { caseAuditReportSchema } from '../../case-audit/report';
import { expectAccessible, launchBrowser, newPage, saveScreenshot } from '../helpers/browser';
import { signIn } from './helpers/browser-steps';
import { Session } from './helpers/session';
import { PASSWORD, createWebTestEnv, type WebTestEnv } from './helpers/web-env';

jest.setTimeout(240_000);

let w: WebTestEnv;
let late: string;
let browser: Browser | undefined;

beforeAll(async () => {
  w = await createWebTestEnv({ signInAttemptsPerMinute: 100 });
  await w.userStore.create({
    username: 'kommunerevisor',
    displayName: 'Kari Kommunerevisor',
    role: 'auditor',
    municipalityId: 'tiltaksplan',
    password: PASSWORD,
  });
  const onTime = await w.openCase('S001', 'E1'); // Ola Nordmann, opened today
  late = await w.openCase('S001', 'E2', 42); // Siri Nordmann, opened six weeks ago and never contacted
  await w.waitForListed(onTime);
  await w.waitForListed(late, true);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

async function signedIn(username: string): Promise<Session> {
  const s = new Session(w.app);
  expect((await s.signIn(username)).statusCode).toBe(303);
  return s;
}

const S001_AUDIT = '/revisjon/saker?vis=1&skole=S001';

test('a plain visit shows the form and runs nothing', async () => {
  const r = await (await signedIn('revisor')).get('/revisjon/saker');
  expect(r.statusCode).toBe(200);
  expect(r.body).toContain('Revisjon av saker');
  expect(r.body).toContain('name="fra"');
  expect(r.body).not.toContain('Per skole');
});

test('the audit of a school shows its cases, the late one with findings citing the procedure, and names', async () => {
  const r = await (await signedIn('revisor')).get(S001_AUDIT);
  expect(r.statusCode).toBe(200);
  expect(r.body).toContain('Per skole');
  expect(r.body).toContain('Syntetisk barneskole 001');
  expect(r.body).toMatch(/2 saker/);
  // The late case is named and linked; the one opened today has nothing to find.
  expect(r.body).toContain('Siri Nordmann');
  expect(r.body).toContain(`/saker/${encodeURIComponent(late)}`);
  expect(r.body).toContain('Funn');
  expect(r.body).not.toContain('Ola Nordmann');
});

test('the JSON is the validated report; every finding is of the late case and cites a clause', async () => {
  const r = await (await signedIn('revisor')).get(S001_AUDIT.replace('/revisjon/saker', '/revisjon/saker/saker.json'));
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toContain('application/json');
  const report = caseAuditReportSchema.parse(JSON.parse(r.body));
  expect(report.summary.cases).toBe(2);
  expect(report.scope.schoolId).toBe('S001');
  expect(report.summary.findings).toBeGreaterThan(0);
  const findings = report.cases.flatMap((c) => c.findings);
  expect(new Set(findings.map((f) => f.caseRef))).toEqual(new Set([late]));
  for (const f of findings) expect(f.clauses.length).toBeGreaterThan(0);
  expect(report.cases.find((c) => c.caseRef === late)?.pupilName).toBe('Siri Nordmann');
});

test('the CSV has one row per finding under a Norwegian header, for Excel', async () => {
  const s = await signedIn('revisor');
  const json = caseAuditReportSchema.parse(
    JSON.parse((await s.get(S001_AUDIT.replace('/revisjon/saker', '/revisjon/saker/saker.json'))).body),
  );
  const r = await s.get(S001_AUDIT.replace('/revisjon/saker', '/revisjon/saker/funn.csv'));
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toContain('text/csv');
  expect(r.headers['content-disposition']).toMatch(/^attachment; filename="revisjon-funn-\d{4}-\d{2}-\d{2}\.csv"$/);
  const lines = r.body
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split(/\r?\n/);
  expect(lines.length).toBe(1 + json.summary.findings);
});

test('the county governor’s copy has no names and links to no case page', async () => {
  const r = await (await signedIn('revisor')).get(`${S001_AUDIT}&pseudonymisert=1`);
  expect(r.statusCode).toBe(200);
  expect(r.body).toContain('pseudonymisert');
  expect(r.body).not.toContain('Siri Nordmann');
  expect(r.body).not.toContain(`/saker/${encodeURIComponent(late)}`);
  const json = JSON.parse(
    (await (await signedIn('revisor')).get(`${S001_AUDIT.replace('/revisjon/saker', '/revisjon/saker/saker.json')}&pseudonymisert=1`)).body,
  ) as { pseudonymised: boolean; cases: { pupilName?: string; pupilId: string }[] };
  expect(json.pseudonymised).toBe(true);
  for (const c of json.cases) {
    expect(c.pupilName).toBeUndefined();
    expect(['E1', 'E2']).not.toContain(c.pupilId);
  }
});

test('a period before the cases were opened finds no case', async () => {
  const r = await (
    await signedIn('revisor')
  ).get(`${S001_AUDIT.replace('/revisjon/saker', '/revisjon/saker/saker.json')}&fra=2020-01-01&til=2020-12-31`);
  expect(r.statusCode).toBe(200);
  expect(JSON.parse(r.body)).toMatchObject({ summary: { cases: 0, findings: 0 } });
});

test('contact teachers and coordinators are refused', async () => {
  for (const username of ['kontaktlaerer', 'koordinator']) {
    const r = await (await signedIn(username)).get(S001_AUDIT);
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('bare for revisorer og administratorer');
  }
});

test('an auditor of one municipality audits its schools only, never all schools at once', async () => {
  const s = await signedIn('kommunerevisor');
  expect((await s.get(S001_AUDIT)).statusCode).toBe(200);
  const other = await s.get('/revisjon/saker?vis=1&skole=S006');
  expect(other.statusCode).toBe(403);
  expect(other.body).toContain('S006');
  expect((await s.get('/revisjon/saker?vis=1&skole=')).statusCode).toBe(403);
});

test('bad dates get a Norwegian message naming the value', async () => {
  const s = await signedIn('revisor');
  const bad = await s.get(`${S001_AUDIT}&fra=2026-13-45`);
  expect(bad.statusCode).toBe(400);
  expect(bad.body).toContain('2026-13-45');
  expect(bad.body).toContain('må være en dato');
  const empty = await s.get(`${S001_AUDIT}&fra=2026-05-01&til=2026-04-01`);
  expect(empty.statusCode).toBe(400);
  expect(empty.body).toContain('perioden er tom');
});

test('in the browser: from «Revisjon» to the audit of a school, accessible (WCAG 2.1 AA), with its findings', async () => {
  await w.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
  const page = await newPage(browser, { baseURL: `http://127.0.0.1:${(w.app.server.address() as AddressInfo).port}` });
  await signIn(page, 'revisor');
  await page.getByRole('link', { name: 'Revisjon', exact: true }).click();
  await page.getByRole('link', { name: 'Revisjon av sakene' }).click();
  await page.waitForURL('**/revisjon/saker');
  await page.getByLabel('Skole').selectOption('S001');
  await page.getByRole('button', { name: 'Revider sakene' }).click();
  await page.waitForURL(/skole=S001/);
  await expect(page.locator('table.case-audit-findings tbody tr').count()).resolves.toBeGreaterThan(0);
  await expect(page.getByRole('link', { name: 'Siri Nordmann' }).first().getAttribute('href')).resolves.toBe(
    `/saker/${encodeURIComponent(late)}`,
  );
  await expectAccessible(page, 'revisjon-av-saker');
  await saveScreenshot(page, 'revisjon-av-saker');
  await page.context().close();
});
