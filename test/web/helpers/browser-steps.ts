/**
 * What a person does in the browser, for the web application's browser tests: sign in through
 * the form, and fill a rendered event form the way a person would (each required input given a
 * value by its kind), so a form whose inputs change still gets filled without naming them.
 */
import type { Page } from 'playwright-core';
import { PASSWORD } from './web-env';

/** Signs in through the sign-in page and waits for the page it leads to. */
export async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto('/logg-inn');
  await page.getByLabel('Brukernavn (e-post)').fill(username);
  await page.getByLabel('Passord').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/logg-inn'), page.getByRole('button', { name: 'Logg inn' }).click()]);
}

/**
 * Fills every required input of the page's form that is still empty: text areas and text inputs
 * with `text`, dates with `date`, the first choice of each radio group and select. Returns the
 * labels it filled, for the test's message when a submit fails.
 */
export async function fillRequired(page: Page, text: string, date: string): Promise<string[]> {
  const filled: string[] = [];
  for (const input of await page
    .locator('main form textarea[required], main form input[required]:not([type="radio"]):not([type="checkbox"])')
    .all()) {
    if ((await input.inputValue()) !== '') continue;
    const type = (await input.getAttribute('type')) ?? 'text';
    await input.fill(type === 'date' ? date : type === 'number' ? '1' : type === 'datetime-local' ? `${date}T10:00` : text);
    filled.push((await input.getAttribute('name')) ?? '?');
  }
  const groups = new Set<string>();
  for (const radio of await page.locator('main form input[type="radio"][required]').all()) groups.add((await radio.getAttribute('name'))!);
  for (const name of groups) {
    const group = page.locator(`main form input[type="radio"][name="${name}"]`);
    if ((await group.evaluateAll((els) => els.some((e) => (e as unknown as { checked: boolean }).checked))) === false) {
      await group.first().check();
      filled.push(name);
    }
  }
  for (const select of await page.locator('main form select[required]').all()) {
    const options = await select
      .locator('option')
      .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value).filter((v) => v !== ''));
    if (options[0]) await select.selectOption(options[0]);
    filled.push((await select.getAttribute('name')) ?? '?');
  }
  return filled;
}
