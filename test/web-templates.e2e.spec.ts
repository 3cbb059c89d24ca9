import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { importSamples } from './waves.js';
import { startTestApp, type TestApp } from './app.js';
import {
  expectAccessible,
  SCREENSHOTS,
  signIn,
  startBrowser,
  unexpected,
  until,
  type BrowserTest,
} from './browser.js';

const REFUSED = 'refuses to save an unknown placeholder';

describe('the template library and editor in a real browser', () => {
  let t: TestApp;
  let b: BrowserTest;

  beforeAll(async () => {
    t = await startTestApp();
    await importSamples(t, 'regions', 'postcodes', 'geometry');
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  const asStrategist = () => t.as('strategist');
  const templateFromApi = async (key: string) =>
    (await t.http().get(`/templates/${key}`).set(asStrategist()).expect(200)).body;

  /** A signed-in browser on a template's editor, once its first preview is on screen. */
  async function openEditor(role: string, key: string, width?: number) {
    const opened = await b.open(width);
    await opened.page.goto(`${b.url}/app/#/templates/${key}`);
    await signIn(opened.page, role);
    await opened.page.locator('.problems ul, .problems .fine').first().waitFor();
    return opened;
  }

  /** The editor passes axe, and its email preview's frame has a title. */
  async function expectEditorAccessible(page: Page) {
    await expect(page.locator('iframe[sandbox=""]').getAttribute('title')).resolves.toMatch(
      /^Vorschau der E-Mail/,
    );
    await expectAccessible(page);
  }

  const sms = (page: Page) => page.getByLabel('SMS', { exact: true });
  const contextSelect = (page: Page) => page.getByRole('combobox', { name: /^Art/ });
  const problemsOnScreen = (page: Page) => page.locator('.problems').innerText();
  const noHorizontalScroll = (page: Page) =>
    page.locator('html').evaluate((html) => html.scrollWidth <= html.clientWidth);

  it.each([1280, 390])('lists every template with its kind, version and SMS parts (%d px)', async (width) => {
    const { context, page } = await b.open(width);
    await signIn(page, 'strategist');
    await page.getByRole('navigation').getByRole('link', { name: 'Vorlagen', exact: true }).click();
    await page.locator('table.library').waitFor();
    const all = (await t.http().get('/templates').set(asStrategist()).expect(200)).body as unknown[];
    await expect(page.locator('table.library tbody tr').count()).resolves.toBe(all.length);
    const cells = (name: string) =>
      page
        .locator('tr', { has: page.getByRole('link', { name, exact: true }) })
        .locator('td')
        .allInnerTexts();
    const housing = await cells('Wohnen und Miete');
    expect(housing.slice(0, 4)).toEqual(['Wohnen und Miete', 'housing', 'Kampagne', '1']);
    expect(housing[5]).toBe('DE 1 · EN 1');
    expect((await cells('Wohnen und Miete (Erinnerung)'))[2]).toBe('Terminerinnerung');
    await expect(noHorizontalScroll(page)).resolves.toBe(true);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, `templates-${width}.png`), fullPage: true });
    await context.close();
  });

  it(`${REFUSED}, names it as you type, and keeps the saved version`, async () => {
    const { context, page } = await b.open();
    await signIn(page, 'strategist');
    await page.getByRole('navigation').getByRole('link', { name: 'Vorlagen', exact: true }).click();
    await page.getByRole('link', { name: 'Wohnen und Miete', exact: true }).click();
    await page.locator('.problems .fine').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(
      'Vorlage: Wohnen und Miete',
    );
    await sms(page).fill('Hallo {{vorname}}, Mieten runter in {{region_name}}! STOP zum Abmelden');
    await until(async () => (await problemsOnScreen(page)).includes('{{vorname}}'));
    expect(await problemsOnScreen(page)).toContain('content.de.sms: unknown placeholder {{vorname}}');
    await expect(page.locator('.actions').innerText()).resolves.toContain('Nicht gespeicherte Änderungen');

    await page.getByRole('button', { name: 'Speichern' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'unknown placeholder {{vorname}}' });
    await alert.waitFor();
    await expect(alert.innerText()).resolves.toContain('Nicht gespeichert – das stimmt noch nicht:');
    await expect(alert.innerText()).resolves.not.toMatch(/\b400\b|API/);
    await page.screenshot({ path: join(SCREENSHOTS, 'template-refused-1280.png'), fullPage: true });

    const kept = await templateFromApi('housing');
    expect(kept.version).toBe(1);
    expect(kept.content.de.sms).not.toContain('vorname');
    await context.close();
  });

  it('names an event value in a campaign template, until the template becomes an event reminder', async () => {
    const { context, page } = await openEditor('strategist', 'housing');
    await sms(page).fill('Mieten runter in {{region_name}}! Am {{event_date}}. STOP zum Abmelden');
    const contextProblem =
      'content.de.sms: {{event_date}} is known only in an event reminder, and this is a campaign template';
    await until(async () => (await problemsOnScreen(page)).includes(contextProblem));
    await expect(page.locator('.bubble').innerText()).resolves.toMatch(/Am \. STOP/);

    await contextSelect(page).selectOption({ label: 'Terminerinnerung' });
    await until(async () => !(await problemsOnScreen(page)).includes(contextProblem));
    await expect(problemsOnScreen(page)).resolves.toBe('Nichts – die Vorlage kann gespeichert werden.');
    await expect(page.locator('.bubble').innerText()).resolves.toMatch(/Am \S+, \d{1,2}\. \S+ \d{4}/);
    await context.close();
  });

  it('shows a valid edit as it would be sent, saves it as version 2 and keeps it', async () => {
    const { context, page } = await openEditor('strategist', 'housing');
    const text =
      'Mieten runter in {{region_name}}, {{first_name}}! Birlikte şehri geri alalım. STOP zum Abmelden';
    await sms(page).fill(text);
    await until(async () => (await page.locator('.sms-size').innerText()).includes('UCS-2'));

    const draft = await templateFromApi('housing');
    draft.content.de.sms = text;
    const { key, name, weights, reasoning, content } = draft;
    const expected = (
      await t
        .http()
        .post('/templates/preview')
        .set(asStrategist())
        .send({ key, name, weights, reasoning, content })
        .expect(200)
    ).body.rendered.de;
    const { segments, units } = expected.smsSize;
    await expect(page.locator('.sms-size').innerText()).resolves.toBe(
      `${segments} ${segments === 1 ? 'Teil' : 'Teile'} · UCS-2 · ${units} Zeichen`,
    );
    await expect(page.locator('.bubble').innerText()).resolves.toBe(expected.sms);
    expect(expected.sms).toContain('Erika');
    await expect(page.locator('.subject').innerText()).resolves.toBe(`Betreff: ${expected.subject}`);
    const srcdoc = await page.locator('iframe').getAttribute('srcdoc');
    expect(srcdoc).toContain('<p>Hallo Erika,</p>');
    expect(srcdoc).toContain(expected.html);
    await expect(page.frameLocator('iframe').locator('body').innerText()).resolves.toContain('Hallo Erika,');
    await expectEditorAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'template-editor-1280.png'), fullPage: true });

    await page.getByRole('button', { name: 'Speichern' }).click();
    await until(async () =>
      (await page.getByRole('status').allInnerTexts()).includes('Version 2 gespeichert'),
    );
    await expect(page.locator('.actions').innerText()).resolves.not.toContain('Nicht gespeicherte');
    const saved = await templateFromApi('housing');
    expect(saved.version).toBe(2);
    expect(saved.content.de.sms).toBe(text);

    await page.reload();
    await page.locator('.problems .fine').waitFor();
    await expect(sms(page).inputValue()).resolves.toBe(text);
    const [{ name: strategist }] = await t.db.dataSource.query<{ name: string }[]>(
      "SELECT name FROM staff_users WHERE role = 'strategist'",
    );
    const rows = page.locator('section[aria-labelledby="versions"] tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.nth(0).locator('td').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining(['2', strategist]),
    );
    await expect(rows.nth(1).locator('td').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining(['1', 'Standardvorlage']),
    );
    await context.close();
  });

  it('loads an older version into the editor', async () => {
    const { context, page } = await openEditor('strategist', 'housing');
    await page.getByRole('button', { name: 'Version 1 in den Editor laden' }).click();
    const oldest = (await t.http().get('/templates/housing/versions').set(asStrategist()).expect(200))
      .body[1];
    await expect(sms(page).inputValue()).resolves.toBe(oldest.snapshot.content.de.sms);
    await expect(page.getByRole('status').allInnerTexts()).resolves.toContain(
      'Version 1 geladen – speichere, um sie als neue Version zu übernehmen.',
    );
    await context.close();
  });

  it('shows staff the editor and its preview, without a way to save', async () => {
    const { context, page } = await openEditor('staff', 'housing', 390);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(
      'Vorlage: Wohnen und Miete',
    );
    await expect(page.getByRole('button', { name: 'Speichern' }).count()).resolves.toBe(0);
    await expect(
      page.getByRole('button', { name: /Entfernen|Merkmal hinzufügen|laden/ }).count(),
    ).resolves.toBe(0);
    await expect(sms(page).isEditable()).resolves.toBe(false);
    await expect(contextSelect(page).isDisabled()).resolves.toBe(true);
    await expect(page.getByText('Du kannst Vorlagen ansehen, aber nicht ändern.').count()).resolves.toBe(1);
    await expect(page.locator('iframe').getAttribute('srcdoc')).resolves.toContain('<p>Hallo Erika,</p>');
    await expect(page.locator('.sms-size').innerText()).resolves.toMatch(
      /^\d+ Teile? · (GSM-7|UCS-2) · \d+ Zeichen$/,
    );
    await expect(noHorizontalScroll(page)).resolves.toBe(true);
    await expectEditorAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'template-editor-390.png'), fullPage: true });
    await context.close();
  });

  it('switches the texts and the preview to English', async () => {
    const { context, page } = await openEditor('strategist', 'housing');
    await page.getByLabel('Englisch', { exact: true }).check();
    const english = (await templateFromApi('housing')).content.en.sms as string;
    await expect(sms(page).inputValue()).resolves.toBe(english);
    await until(async () => (await page.locator('.bubble').innerText()).startsWith('Lower rents'));
    await expect(page.locator('iframe').getAttribute('srcdoc')).resolves.toContain('<p>Hello Alex,</p>');
    await expect(page.locator('iframe').getAttribute('title')).resolves.toBe(
      'Vorschau der E-Mail (Englisch)',
    );
    await context.close();
  });

  it('wrote nothing to the console but the refused save', () => {
    const refusedSave = (e: string) => e.includes(REFUSED) && e.includes('status of 400');
    expect(unexpected(b.consoleErrors).filter((e) => !refusedSave(e))).toEqual([]);
  });
});
