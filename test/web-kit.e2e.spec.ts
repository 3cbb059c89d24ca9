import { join } from 'node:path';
import { runImport } from './imports.js';
import { startTestApp, type TestApp } from './app.js';
import { SCREENSHOTS, shows, signIn, startBrowser, unexpected, until, type BrowserTest } from './browser.js';
import { SAMPLES } from './waves.js';

/**
 * The web app's shared kit as a user meets it on the screens built from it: the data table (sorting, its empty line,
 * its scroll region), the pager, the form row's labels, the date field in the locale, the message sample and the
 * loading-and-error wrapper.
 */
describe('the web kit in a real browser', () => {
  let t: TestApp;
  let b: BrowserTest;

  beforeAll(async () => {
    t = await startTestApp({ DISPATCH_IN_API: 'false' });
    // Regions without shapes: the map, where everybody lands, has no geometry to draw yet.
    expect((await runImport(t.db.dataSource, 'regions', join(SAMPLES, 'regions.csv'))).status).toBe(
      'completed',
    );
    // Enough entries in the audit log for two pages of ten.
    for (let i = 0; i < 6; i++)
      await t
        .http()
        .post('/auth/login')
        .send({ email: 'staff@example.org', password: 'staff-password-long' })
        .expect(200);
    b = await startBrowser(t);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  async function signedIn(role: 'admin' | 'strategist', width = 1280) {
    const opened = await b.open(width);
    await signIn(opened.page, role);
    await opened.page.waitForSelector('nav');
    return opened;
  }

  it('lands on the map without geometry: it says so, and asks for none it would be refused', async () => {
    const { context, page } = await signedIn('strategist');
    await expect(
      page.getByText('Für dieses Set gibt es noch keine Grenzen der Regionen').waitFor(),
    ).resolves.toBeUndefined();
    await page.waitForLoadState('networkidle');
    await context.close();
  });

  it('a browser test that fails says what it expected and what the page showed', async () => {
    const { context, page } = await signedIn('strategist');
    const heading = page.getByRole('heading', { level: 1 });
    await shows(heading, /\S/);
    const shown = ((await heading.textContent()) ?? '').trim();
    await expect(shows(heading, 'Eine andere Überschrift', 500)).rejects.toThrow(
      `to show Eine andere Überschrift; it showed ${JSON.stringify(shown)}`,
    );
    await expect(shows(page.getByRole('dialog'), 'Hallo', 500)).rejects.toThrow(
      'it showed nothing: it is not on the page',
    );
    await expect(until(() => Promise.resolve(1 > 2), 300)).rejects.toThrow(
      'waited 0.3 s for () => Promise.resolve(1 > 2)',
    );
    await context.close();
  });

  it('data table: sorts by a heading, says how, and keeps its headings for screen readers', async () => {
    const { context, page } = await signedIn('admin');
    await page.goto(`${b.url}/app/#/users`);
    const table = page.getByRole('table', { name: 'Zugänge der Mitarbeitenden' });
    const heading = table.getByRole('columnheader', { name: /^Name/ });
    const names = () =>
      table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.children[0].textContent?.trim()));
    await table.locator('tbody tr').first().waitFor();
    expect(await heading.getAttribute('scope')).toBe('col');
    expect(await heading.getAttribute('aria-sort')).toBe('none');
    await heading.getByRole('button').click();
    expect(await heading.getAttribute('aria-sort')).toBe('ascending');
    expect(await names()).toEqual(['admin (du)', 'staff', 'strategist']);
    await heading.getByRole('button').click();
    expect(await heading.getAttribute('aria-sort')).toBe('descending');
    expect(await names()).toEqual(['strategist', 'staff', 'admin (du)']);
    await context.close();
  });

  it('data table on a phone: scrolls inside a region a keyboard reaches, the page does not', async () => {
    const { context, page } = await signedIn('admin', 390);
    await page.goto(`${b.url}/app/#/users`);
    const region = page.getByRole('region', { name: 'Zugänge der Mitarbeitenden' });
    await region.locator('tbody tr').first().waitFor();
    expect(await region.getAttribute('tabindex')).toBe('0');
    expect(await region.evaluate((r) => r.scrollWidth > r.clientWidth)).toBe(true);
    expect(await page.locator('html').evaluate((html) => html.scrollWidth <= html.clientWidth)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'kit-table-de-390.png'), fullPage: true });
    await context.close();
  });

  it('form rows and date fields: labelled fields, days in the German order, a wrong day said, none sent', async () => {
    const { context, page } = await signedIn('admin');
    await page.goto(`${b.url}/app/#/audit`);
    const from = page.getByLabel('Von (Tag)');
    expect(await from.getAttribute('placeholder')).toBe('TT.MM.JJJJ');
    await from.fill('31.02.2026');
    await expect(
      page.getByRole('alert').filter({ hasText: 'Bitte ein Datum als TT.MM.JJJJ eingeben.' }).waitFor(),
    ).resolves.toBeUndefined();
    expect(await from.getAttribute('aria-invalid')).toBe('true');
    await from.fill('1.1.2020');
    expect(await from.getAttribute('aria-invalid')).toBe('false');
    await page.getByLabel('Bis (Tag, einschließlich)').fill('02.01.2020');
    const asked = page.waitForRequest((r) => r.url().includes('/audit?'));
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    const query = new URL((await asked).url()).searchParams;
    // The days typed, the second one included: from the start of the first to the start of the day after the second.
    expect([query.get('from')?.slice(0, 10), query.get('to')?.slice(0, 10)]).toEqual([
      '2020-01-01',
      '2020-01-03',
    ]);
    const table = page.getByRole('table', { name: 'Einträge des Protokolls' });
    const empty = table.getByRole('cell', { name: 'Keine Einträge.' });
    await empty.waitFor();
    expect(await empty.getAttribute('colspan')).toBe(String(await table.getByRole('columnheader').count()));
    await page.screenshot({ path: join(SCREENSHOTS, 'kit-form-de-1280.png'), fullPage: true });
    await context.close();
  });

  it('pager: says where the reader is, and rests the way that leads nowhere', async () => {
    const { context, page } = await signedIn('admin');
    await page.goto(`${b.url}/app/#/audit`);
    await page.getByLabel('Pro Seite').selectOption('10');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    const pager = page.getByRole('navigation', { name: 'Einträge des Protokolls' });
    await pager.getByText(/^Seite 1 von [2-9]$/).waitFor();
    expect(await pager.getByRole('button', { name: 'Zurück' }).isDisabled()).toBe(true);
    const pages = Number((await pager.getByText(/^Seite 1 von/).textContent())!.split(' ').pop());
    for (let page_ = 2; page_ <= pages; page_++) {
      await pager.getByRole('button', { name: 'Weiter' }).click();
      await pager.getByText(`Seite ${page_} von ${pages}`).waitFor();
    }
    expect(await pager.getByRole('button', { name: 'Weiter' }).isDisabled()).toBe(true);
    expect(await pager.getByRole('button', { name: 'Zurück' }).isDisabled()).toBe(false);
    await context.close();
  });

  it('message sample: the email in a sandboxed frame with its subject, the SMS as a bubble', async () => {
    const { context, page } = await signedIn('strategist');
    await page.goto(`${b.url}/app/#/templates/housing`);
    const frame = page.locator('iframe[sandbox=""]').first();
    await frame.waitFor();
    expect(await frame.getAttribute('title')).toMatch(/E-Mail/);
    await expect(
      page.frameLocator('iframe[sandbox=""]').first().locator('body').textContent(),
    ).resolves.toMatch(/\S/);
    expect((await page.locator('.bubble').first().textContent())?.trim()).not.toBe('');
    await context.close();
  });

  it("loading and errors: a thing that is not there says the API's answer in words", async () => {
    const { context, page } = await signedIn('admin');
    const missing = '5d0f8f2e-7f55-4d8e-9a61-0d7f3f3e6b11';
    await page.goto(`${b.url}/app/#/waves/${missing}`);
    await expect(
      page
        .getByRole('alert')
        .filter({ hasText: /Die API antwortete 404/ })
        .first()
        .waitFor(),
    ).resolves.toBeUndefined();
    await context.close();
    // The browser logs the refused request itself; that one, of this test only, is expected here.
    const expected = (e: string) => e.includes('loading and errors') && e.includes('status of 404');
    b.consoleErrors.splice(0, b.consoleErrors.length, ...b.consoleErrors.filter((e) => !expected(e)));
  });

  it('wrote nothing to the console', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
