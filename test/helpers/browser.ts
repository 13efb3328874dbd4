/**
 * Browser tests for the web pages: Debian's Chromium (scripts/install-chromium.sh) driven by
 * playwright-core, because Playwright's own browser download needs a CDN that CI cannot reach.
 * Beside launching, the helpers check what every page must meet: WCAG 2.1 AA by axe-core
 * (`expectAccessible`), every control reachable by Tab with a visible focus (`keyboardWalk`),
 * and a screenshot for a person to look at (`saveScreenshot`, under the git-ignored reports/).
 *
 * The tests run with the app's own Content-Security-Policy in force (no `bypassCSP`), so a page
 * that only works when CSP is off fails here too. axe-core is therefore injected through the
 * DevTools protocol (Runtime.evaluate), which CSP does not govern, not as an inline script tag.
 *
 * The in-page functions use small structural types instead of the DOM library: tsconfig leaves
 * `lib: dom` out on purpose (the server code must not see browser globals).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AxeResults, ElementContext, Result, RunOptions } from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';

const repoRoot = resolve(__dirname, '..', '..');

/** Debian's package puts the browser here (scripts/install-chromium.sh installs it). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * No sandbox (tests run as root in containers), no GPU, and nothing that phones home: the
 * machine reaches only the mirrors, and background traffic would slow start-up and muddy tests.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One size for every page, so screenshots compare and layouts do not depend on the host. */
export const VIEWPORT = { width: 1280, height: 800 } as const;

/** The WCAG 2.1 A and AA rules: the level public services in Norway must meet (forskrift om universell utforming av IKT). */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Starts headless Chromium; close it in afterAll. `executablePath` is for tests of this helper. */
export async function launchBrowser(options: { executablePath?: string } = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    throw new Error(
      `fant ikke Chromium i ${executablePath}; nettlesertestene trenger Debian-pakken chromium: kjør «bash scripts/install-chromium.sh» (som root)`,
    );
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A page in a fresh context (its own cookies and storage) as a Norwegian user sees it:
 * locale nb-NO, Oslo time, the fixed viewport. `baseURL` lets tests `goto('/sti')`.
 */
export async function newPage(browser: Browser, options: { baseURL: string }): Promise<Page> {
  const context = await browser.newContext({
    baseURL: options.baseURL,
    locale: 'nb-NO',
    timezoneId: 'Europe/Oslo',
    viewport: VIEWPORT,
  });
  return context.newPage();
}

let axeSource: Promise<string> | undefined;

/** axe-core's script, read once per test file. */
function readAxeSource(): Promise<string> {
  axeSource ??= readFile(resolve(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  return axeSource;
}

/** The page's globals the axe run needs (see the file comment on why not the DOM types). */
interface AxeWindow {
  axe?: { run(context: unknown, options: RunOptions): Promise<AxeResults> };
}

/**
 * axe-core's WCAG 2.1 A/AA violations on the page as it is now; `context` narrows the check to
 * part of the page (a selector, or axe's include/exclude object). Works under a strict CSP.
 */
export async function axeViolations(page: Page, context?: ElementContext): Promise<Result[]> {
  const hasAxe = await page.evaluate(() => typeof (globalThis as AxeWindow).axe === 'object');
  if (!hasAxe) {
    // Runtime.evaluate is the DevTools' own evaluation: `script-src 'self'` does not apply to it,
    // where page.addScriptTag({ content }) would be an inline script the policy blocks.
    const session = await page.context().newCDPSession(page);
    try {
      const { exceptionDetails } = (await session.send('Runtime.evaluate', { expression: await readAxeSource() })) as {
        exceptionDetails?: { text: string; exception?: { description?: string } };
      };
      if (exceptionDetails) {
        throw new Error(
          `kunne ikke laste axe-core i siden ${page.url()}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`,
        );
      }
    } finally {
      await session.detach();
    }
  }
  const results = await page.evaluate(
    ([ctx, tags]) => {
      const axe = (globalThis as AxeWindow).axe;
      if (!axe) throw new Error('axe-core mangler i siden');
      const doc = (globalThis as unknown as { document: unknown }).document;
      return axe.run(ctx ?? doc, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    },
    [context ?? null, WCAG_TAGS] as const,
  );
  return results.violations;
}

/** The violations as lines a developer can act on: rule, impact, help, the elements. */
export function describeViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const targets = v.nodes.map((n) => n.target.map(String).join(' ')).join(', ');
      return `- ${v.id} (${v.impact ?? 'ukjent alvorlighet'}): ${v.help} [${targets}] ${v.helpUrl}`;
    })
    .join('\n');
}

/** Throws, listing every violation, unless the page meets WCAG 2.1 AA as far as axe-core can tell. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length > 0) {
    throw new Error(
      `siden «${name}» (${page.url()}) bryter ${violations.length} WCAG 2.1 AA-regler (axe-core):\n${describeViolations(violations)}`,
    );
  }
}

/** Saves a full-page PNG as reports/web/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  // The name becomes a file name: no folders, nothing a shell or a file system would trip on.
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) {
    throw new Error(`ugyldig navn på skjermbilde: «${name}» (bruk bokstaver a-z, tall, punktum, - og _)`);
  }
  const dir = resolve(repoRoot, 'reports', 'web');
  await mkdir(dir, { recursive: true });
  const path = resolve(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** One stop of the Tab key. */
export interface FocusStop {
  /** Lower-case tag name, e.g. `input`. */
  tag: string;
  /** The element's id, or null when it has none. */
  id: string | null;
  /** The ARIA role as assistive technology sees it (Playwright's computation), e.g. `textbox`. */
  role: string;
  /** The accessible name (Playwright's computation), '' when there is none. */
  name: string;
  /** Whether focus changes outline, box-shadow, border or background, so a sighted user sees it. */
  focusVisible: boolean;
  /** The style properties focus changed, e.g. `['outline-style', 'outline-width']`. */
  focusStyleChanges: string[];
}

/** The style properties whose change counts as a visible focus indicator. */
const FOCUS_STYLE_PROPERTIES = [
  'outline-style',
  'outline-width',
  'outline-color',
  'outline-offset',
  'box-shadow',
  'border-top-color',
  'border-bottom-color',
  'border-top-width',
  'border-bottom-width',
  'background-color',
];

/** The few DOM members the walk reads in the page (see the file comment on why not the DOM types). */
interface WalkElement {
  tagName: string;
  id: string;
  blur(): void;
  focus(options?: { focusVisible?: boolean; preventScroll?: boolean }): void;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
}
interface WalkWindow {
  document: { activeElement: WalkElement | null; body: WalkElement };
  getComputedStyle(element: WalkElement): { getPropertyValue(property: string): string };
  __keyboardWalkMark?: WalkElement;
}

/**
 * Presses Tab from the top of the page up to `maxTabs` times and returns where focus went, in
 * order. It stops early when focus leaves the page or comes back to the first stop.
 *
 * The focus indicator is judged by comparing the focused element's computed style with its own
 * style unfocused: the element is blurred for that reading and focused again (keyboard-style,
 * so :focus-visible still applies), which leaves the Tab order where it was. A page whose focus
 * or blur handlers do work will see those events.
 */
export async function keyboardWalk(page: Page, maxTabs: number): Promise<FocusStop[]> {
  // Start at the top: focusing <body> moves the sequential focus starting point there. body is
  // made focusable only for that moment, with -1 so Tab never stops on it.
  await page.evaluate(() => {
    const w = globalThis as unknown as WalkWindow;
    w.document.activeElement?.blur();
    w.document.body.setAttribute('tabindex', '-1');
    w.document.body.focus({ preventScroll: true });
  });
  const stops: FocusStop[] = [];
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (i === 0) await page.evaluate(() => (globalThis as unknown as WalkWindow).document.body.removeAttribute('tabindex'));
    const reading = await page.evaluate((properties) => {
      const w = globalThis as unknown as WalkWindow;
      const el = w.document.activeElement;
      if (!el || el === w.document.body) return null;
      const read = () => {
        const style = w.getComputedStyle(el);
        return properties.map((p) => style.getPropertyValue(p));
      };
      const focused = read();
      el.blur();
      const unfocused = read();
      el.focus({ focusVisible: true, preventScroll: true });
      // Marked so the walk can ask Playwright for the same element's role and name.
      const first = w.__keyboardWalkMark === undefined;
      const seen = el === w.__keyboardWalkMark;
      if (first) w.__keyboardWalkMark = el;
      return {
        tag: el.tagName.toLowerCase(),
        id: el.id === '' ? null : el.id,
        changes: properties.filter((_, k) => focused[k] !== unfocused[k]),
        focusedStyle: Object.fromEntries(properties.map((p, k) => [p, focused[k]])),
        wrapped: seen && !first,
      };
    }, FOCUS_STYLE_PROPERTIES);
    if (reading === null || reading.wrapped) break;
    const { role, name } = await focusedRoleAndName(page);
    stops.push({
      tag: reading.tag,
      id: reading.id,
      role,
      name,
      focusVisible: reading.changes.length > 0 && hasVisibleIndicator(reading.focusedStyle, reading.changes),
      focusStyleChanges: reading.changes,
    });
  }
  await page.evaluate(() => {
    const w = globalThis as unknown as WalkWindow;
    w.document.body.removeAttribute('tabindex');
    delete w.__keyboardWalkMark;
  });
  return stops;
}

/**
 * A change that draws nothing is no indicator: an outline that became `none` or 0 wide, or a
 * shadow that became `none`. Any other change of the listed properties is.
 */
function hasVisibleIndicator(focused: Record<string, string | undefined>, changes: string[]): boolean {
  const outlineShown = focused['outline-style'] !== 'none' && parseFloat(focused['outline-width'] ?? '0') > 0;
  return changes.some((property) => {
    if (property.startsWith('outline-')) return outlineShown;
    if (property === 'box-shadow') return focused['box-shadow'] !== 'none';
    return true;
  });
}

/** Role and accessible name of the focused element, from Playwright's ARIA snapshot (`- role "name"`). */
async function focusedRoleAndName(page: Page): Promise<{ role: string; name: string }> {
  const snapshot = await page.locator(':focus').ariaSnapshot();
  const match = /^- ([\w-]+)(?: ("(?:[^"\\]|\\.)*"))?/.exec(snapshot.split('\n')[0] ?? '');
  if (!match) return { role: '', name: '' };
  return { role: match[1]!, name: match[2] ? (JSON.parse(match[2]) as string) : '' };
}
