import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './app.js';
import { signIn, startBrowser, unexpected, type BrowserTest } from './browser.js';

/**
 * The web app lists what the service is configured with, not a copy of the defaults: a purpose that only the
 * server's CONSENT_PURPOSES names appears in the screens that list purposes.
 */
describe('the web app reads its configuration from the service', () => {
  let t: TestApp;
  let b: BrowserTest;

  beforeAll(async () => {
    t = await startTestApp({
      CONSENT_PURPOSES: 'campaign-news,petition-signers',
      DEFAULT_CONSENT_PURPOSE: 'petition-signers',
      FREQUENCY_CAP: '2/10',
      APPROVAL_THRESHOLD: '250',
      QUIET_HOURS_SMS: '20-9',
      SMS_PER_SECOND: '7',
      DISPATCH_IN_API: 'false',
    });
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  const optionsOf = (page: Page, selector: string) =>
    page.locator(`${selector} option`).evaluateAll((options) => options.map((o) => o.getAttribute('value')));

  it('shows a purpose configured only on the server in the contacts filter, the upload and the wave builder, and the limits in words', async () => {
    const { context, page } = await b.open();
    await page.goto(`${b.url}/app/#/contacts`);
    await signIn(page, 'staff');
    await page.getByRole('heading', { level: 1, name: 'Kontakte' }).waitFor();
    expect(await optionsOf(page, '#contact-purposes')).toEqual(['campaign-news', 'petition-signers']);
    // The filter starts on the configured default purpose.
    await expect(page.getByLabel('Zweck', { exact: true }).inputValue()).resolves.toBe('petition-signers');

    await page.goto(`${b.url}/app/#/contacts/import`);
    await page.getByRole('heading', { level: 1, name: 'Kontakte hochladen' }).waitFor();
    expect(await optionsOf(page, '#import-purposes')).toEqual(['campaign-news', 'petition-signers']);

    await page.goto(`${b.url}/app/#/waves/new`);
    const purpose = page.getByRole('combobox', { name: 'Zweck' });
    await purpose.waitFor();
    expect(await optionsOf(page, 'select[aria-describedby="purpose-hint"]')).toEqual([
      'campaign-news',
      'petition-signers',
    ]);
    await expect(purpose.inputValue()).resolves.toBe('petition-signers');

    // The sending limits in words, as configured, for the channel chosen.
    const limits = page.locator('#limits-hint');
    await expect(limits.innerText()).resolves.toContain('höchstens 2 Kampagnennachrichten in 10 Tagen');
    await expect(limits.innerText()).resolves.toContain('mehr als 250 Menschen');
    await page.getByRole('radio', { name: 'SMS' }).check();
    await expect(limits.innerText()).resolves.toContain('zwischen 20 und 9 Uhr');
    await expect(limits.innerText()).resolves.toContain('Höchstens 7 SMS pro Sekunde');
    await context.close();
  });

  it('wrote nothing to the console', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
