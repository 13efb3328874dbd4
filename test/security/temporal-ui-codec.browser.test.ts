/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * The real Temporal Web UI (the dev server's, in Debian's Chromium) reads a case only through the
 * web application's codec endpoint: by itself it shows ciphertext; once a signed-in
 * administrator points its «Codec Server» setting at `<web>/temporal-codec` with cross-origin
 * credentials, as the README says, the same page shows the case's input, and the decode is in
 * the access log. A contact teacher's session opens nothing.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { AesGcmPayloadCodec } from '../../app/payload-codec';
import { loadOrCreateKeyRing } from '../../app/payload-keys';
import { freePort } from '../../scripts/lib/free-port';
import { launchBrowser, newPage } from '../helpers/browser';
import { signIn } from '../web/helpers/browser-steps';
import { PASSWORD, type WebTestEnv, createWebTestEnv } from '../web/helpers/web-env';

jest.setTimeout(180_000);

let env: WebTestEnv;
let browser: Browser;
let baseURL: string;
let workflowId: string;

beforeAll(async () => {
  const keys = loadOrCreateKeyRing(join(tmpdir(), `ui-codec-keys-${process.pid}-${Date.now()}.json`));
  const uiPort = await freePort();
  env = await createWebTestEnv(
    { codec: { codec: new AesGcmPayloadCodec(keys), allowedOrigins: [`http://127.0.0.1:${uiPort}`] } },
    { keys, uiPort },
  );
  await env.userStore.create({ username: 'admin', displayName: 'Ada Admin', role: 'administrator', password: PASSWORD });
  workflowId = await env.openCase('S001', 'E1');
  await env.app.listen({ host: '127.0.0.1', port: 0 });
  baseURL = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

/** Opens the case's page in the Temporal Web UI and returns the page's text once its «Input» is shown. */
async function casePage(page: Page): Promise<string> {
  await page.goto(`${env.uiUrl!}/namespaces/default/workflows/${workflowId}`);
  await page.getByText('Input', { exact: true }).filter({ visible: true }).first().waitFor();
  // The UI shows the payload once its codec call has answered (or failed).
  await page.waitForTimeout(2_000);
  return page.locator('body').innerText();
}

/** The page's text once it contains `wanted`, asked again for up to 30 s (the UI fetches as it likes). */
async function pageShowing(page: Page, wanted: string): Promise<string> {
  let text = '';
  for (let i = 0; i < 10; i++) {
    text = await casePage(page);
    if (text.includes(wanted)) break;
  }
  return text;
}

/** The UI's «Codec Server» setting: this browser's endpoint, with cross-origin credentials. */
async function useCodecEndpoint(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: /codec server/i })
    .first()
    .click();
  await page.getByText('Use my browser setting and ignore Cluster-level setting.').click();
  await page.getByPlaceholder('Paste your endpoint here').fill(`${baseURL}/temporal-codec`);
  await page.getByText('Include cross-origin credentials').click();
  await page.getByRole('button', { name: 'Apply' }).click();
}

test('signed in as an administrator, the UI shows the case only through the codec endpoint', async () => {
  const page = await newPage(browser, { baseURL });
  await signIn(page, 'admin');
  const sealed = await casePage(page);
  expect(sealed).toContain(workflowId);
  expect(sealed).not.toContain('pupilId');

  await useCodecEndpoint(page);
  await page.reload();
  expect(await pageShowing(page, '"pupilId": "E1"')).toContain('"pupilId": "E1"');
  const log = await env.userStore.caseAccessLog({ workflowId: 'temporal-ui/default', limit: 10 });
  expect(log.map((e) => e.action)).toContain('decode');
  await page.context().close();
});

test("a contact teacher's session opens nothing through the UI", async () => {
  const page = await newPage(browser, { baseURL });
  await signIn(page, 'kontaktlaerer');
  const refused: number[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/temporal-codec/decode')) refused.push(r.status());
  });
  await casePage(page);
  await useCodecEndpoint(page);
  await page.reload();
  const shown = await casePage(page);
  expect(shown).toContain(workflowId);
  expect(shown).not.toContain('pupilId');
  expect(refused.length).toBeGreaterThan(0);
  expect(new Set(refused)).toEqual(new Set([403]));
  await page.context().close();
});
