import { readFile } from 'node:fs/promises';
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

const FORMULA = '=HYPERLINK("x")';
const FILE_NAME = 'mitglieder-2026.csv';
const HEADER =
  'Mitglieds-Nr;Vorname;Nachname;E-Mail-Adresse;Handy;PLZ;Do Not Email;Newsletter-Einwilligung;Textversion;Notiz';

/**
 * Made-up people only: a member export whose headers are not ours. Line 4 has neither a readable email nor phone
 * (rejected); line 5 a bad phone beside a good email and line 6 a bad postal code (both kept, with a warning).
 */
const FIRST_FILE = [
  HEADER,
  'M-101;Erika;Beispiel;erika.beispiel@example.org;0151 23456701;10379;0;ja;v3;Infostand',
  `M-102;"${FORMULA.replace(/"/g, '""')}";Formel;formel.test@example.org;0151 23456702;10758;0;ja;v3;`,
  'M-103;Rolf;Unerreichbar;keine-adresse;123;11137;;ja;v3;',
  'M-104;Paula;Telefonfehler;paula.telefon@example.org;0000 1;11516;;ja;v3;',
  'M-105;Karl;Postfehler;karl.post@example.org;0151 23456705;12#45;1;ja;v3;',
].join('\r\n');

const SECOND_FILE = [
  HEADER,
  'M-201;Jonas;Zweitdatei;jonas.zweitdatei@example.org;0151 23456711;10386;0;ja;v4;',
  'M-202;Mara;Zweitdatei;mara.zweitdatei@example.org;;10765;1;ja;v4;',
].join('\r\n');

interface RowError {
  line: number;
  column?: string;
  reason: string;
  value?: string;
}
interface Job {
  id: string;
  status: string;
  fileName: string;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  rejected: number;
  warnings: number;
  errors: RowError[];
  warningList: RowError[];
}

describe('the contacts screens, one contact and the contacts upload in a real browser', () => {
  let t: TestApp;
  let b: BrowserTest;

  beforeAll(async () => {
    t = await startTestApp({ DISPATCH_IN_API: 'false' });
    await importSamples(t, 'regions', 'postcodes', 'geometry');
    await t.http().post('/segmentations').set(t.as('strategist')).send({ k: '3', seed: 1 }).expect(201);
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  const as = (role: 'admin' | 'staff' | 'strategist') => t.as(role);
  const get = async (path: string, role: 'admin' | 'staff' = 'staff') =>
    (await t.http().get(path).set(as(role)).expect(200)).body;
  const findContact = async (q: string) =>
    (await get(`/contacts?q=${encodeURIComponent(q)}`)).items as { id: string; firstName: string }[];
  const noHorizontalScroll = (page: Page) =>
    page.locator('html').evaluate((html) => html.scrollWidth <= html.clientWidth);
  const cellsOf = (page: Page, table: string) =>
    page
      .locator(`table.${table} tbody tr`)
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
  const asCells = (list: RowError[]) =>
    list.map((e) => [String(e.line), e.column ?? '', e.reason, e.value ?? '']);
  const fieldSelect = (page: Page, field: string) =>
    page.getByRole('combobox', { name: new RegExp(`\\(${field}\\)`) });

  /** A signed-in browser on the upload, with a file chosen and its preview on screen. */
  async function openUpload(role: string, content: string, width = 1280) {
    const opened = await b.open(width);
    await opened.page.goto(`${b.url}/app/#/contacts/import`);
    await signIn(opened.page, role);
    await opened.page.getByRole('heading', { level: 1, name: 'Kontakte hochladen' }).waitFor();
    await opened.page.getByLabel('Datei (CSV)').setInputFiles({
      name: FILE_NAME,
      mimeType: 'text/csv',
      buffer: Buffer.from(content, 'utf8'),
    });
    await opened.page.locator('table.rows').waitFor();
    return opened;
  }

  /** The import job on the page is over (its status is no longer queued or running). */
  async function finished(page: Page) {
    const shown = page.locator('.job p strong');
    return (await shown.count()) > 0 && !['wartet', 'läuft'].includes(await shown.innerText());
  }

  /** Picks a column for a field and waits for the preview read with it. */
  async function mapColumn(page: Page, field: string, column: string) {
    const select = fieldSelect(page, field);
    await select.selectOption(column);
    await until(async () => (await select.isEnabled()) && (await select.inputValue()) === column);
  }

  it('uploads a file with its own headers: maps them, saves the mapping, imports and lists the bad lines as the job does', async () => {
    const { context, page } = await openUpload('staff', FIRST_FILE);
    await expect(page.locator('.facts').innerText()).resolves.toContain(
      `${FILE_NAME}: Kodierung utf-8, Trennzeichen „;“; 5 Datensätze`,
    );
    // What the header's names say already, and what they do not.
    await expect(fieldSelect(page, 'email').inputValue()).resolves.toBe('E-Mail-Adresse');
    await expect(fieldSelect(page, 'phone').inputValue()).resolves.toBe('Handy');
    await expect(fieldSelect(page, 'email_opt_out').inputValue()).resolves.toBe('Do Not Email');
    await expect(fieldSelect(page, 'email_consent').inputValue()).resolves.toBe('');
    await expect(page.locator('.consent-columns').innerText()).resolves.toContain(
      'Spalte „Do Not Email“ = Widerspruch E-Mail (opt-out)',
    );

    await mapColumn(page, 'email_consent', 'Newsletter-Einwilligung');
    await mapColumn(page, 'external_id', 'Mitglieds-Nr');
    await mapColumn(page, 'consent_text_version', 'Textversion');
    const explained = await page.locator('.consent-columns').innerText();
    expect(explained).toContain('Spalte „Newsletter-Einwilligung“ = Einwilligung E-Mail');
    expect(explained).toContain('Spalte „Do Not Email“ = Widerspruch E-Mail (opt-out)');
    expect(explained).toContain('Umgekehrt: Ja widerruft die Einwilligung');
    expect(explained).toContain('Spalte „Textversion“ = Version des Einwilligungstexts');

    // The first rows as the importer reads them: the formula as text, the bad line said as rejected.
    const rows = page.locator('table.rows tbody tr');
    await expect(rows.count()).resolves.toBe(5);
    await expect(rows.nth(1).locator('td').nth(2).innerText()).resolves.toBe(FORMULA);
    await expect(rows.nth(2).locator('th').innerText()).resolves.toBe('4');
    await expect(rows.nth(2).locator('td.outcome').innerText()).resolves.toMatch(/^abgelehnt/);
    await expect(rows.nth(3).locator('td.outcome').innerText()).resolves.toMatch(
      /^übernommen mit Warnung\s+Handy:/,
    );
    await expect(rows.nth(0).locator('td.outcome').innerText()).resolves.toContain(
      'Einwilligung E-Mail: angefragt',
    );
    await expect(page.locator('p.ignored').innerText()).resolves.toBe('Notiz');

    await page.getByLabel('Name (z. B. crm-export)').fill('mitglieder-export');
    await page.getByRole('button', { name: 'Zuordnung speichern' }).click();
    await page.getByText('Zuordnung „mitglieder-export“ gespeichert.').waitFor();
    const saved = (await get('/import-mappings')) as { name: string; mapping: Record<string, string> }[];
    expect(saved.find((m) => m.name === 'mitglieder-export')?.mapping).toMatchObject({
      external_id: 'Mitglieds-Nr',
      email: 'E-Mail-Adresse',
      phone: 'Handy',
      postal_code: 'PLZ',
      email_opt_out: 'Do Not Email',
      email_consent: 'Newsletter-Einwilligung',
      consent_text_version: 'Textversion',
    });
    await expect(page.getByRole('combobox', { name: 'Gespeicherte Zuordnung' }).inputValue()).resolves.toBe(
      'mitglieder-export',
    );
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'import-mapping-1280.png'), fullPage: true });

    await page.getByRole('button', { name: 'Importieren', exact: true }).click();
    const status = page.locator('.job');
    await until(async () => finished(page));
    await expect(status.innerText()).resolves.toContain(`${FILE_NAME}: fertig`);
    await page.locator('table.warned-lines').waitFor();

    const [listed] = (await get('/imports')).items as { id: string }[];
    const job = (await get(`/imports/${listed.id}`)) as Job;
    expect(job).toMatchObject({
      fileName: FILE_NAME,
      status: 'completed',
      read: 5,
      inserted: 4,
      rejected: 1,
    });
    const counts = Object.fromEntries(
      await page
        .locator('.counts dd')
        .evaluateAll((dds) => dds.map((dd) => [dd.getAttribute('data-count'), Number(dd.textContent)])),
    );
    expect(counts).toEqual({
      read: job.read,
      inserted: job.inserted,
      updated: job.updated,
      unchanged: job.unchanged,
      skipped: job.skipped,
      rejected: job.rejected,
      warnings: job.warnings,
    });
    expect(new Set(job.errors.map((e) => e.line))).toEqual(new Set([4]));
    expect(job.warningList).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 5, column: 'Handy' }),
        expect.objectContaining({ line: 6, column: 'PLZ', value: '12#45' }),
      ]),
    );
    await expect(cellsOf(page, 'rejected-lines')).resolves.toEqual(asCells(job.errors));
    await expect(cellsOf(page, 'warned-lines')).resolves.toEqual(asCells(job.warningList));
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'import-done-1280.png'), fullPage: true });

    const [erika] = await findContact('erika.beispiel@');
    const consent = await get(`/contacts/${erika.id}/consent`);
    expect(consent.events).toEqual([
      expect.objectContaining({
        channel: 'email',
        action: 'requested',
        source: 'import',
        textVersion: 'v3',
        importFile: FILE_NAME,
        importLine: 2,
      }),
    ]);
    await context.close();
  });

  it('sends no confirmation request unless staff decide, then exactly the ones counted', async () => {
    const file =
      'first_name,email,phone,email_consent,sms_consent\nAnna,anna.frage@example.org,,ja,\nBen,ben.frage@example.org,+4915150000042,ja,ja\n';
    const { context, page } = await openUpload('staff', file);
    const question = page.getByRole('group', { name: 'Bestätigungsanfragen beim Import senden?' });
    await expect(question.getByRole('radio', { name: /^Nein/ }).isChecked()).resolves.toBe(true);
    await expect(question.innerText()).resolves.toContain('2 E-Mails, 1 SMS');
    await page.getByRole('button', { name: 'Importieren', exact: true }).click();
    await until(async () => finished(page));
    await expect(page.getByTestId('job-confirmations').innerText()).resolves.toBe(
      '2 Personen warten auf eine Bestätigungsanfrage per E-Mail, 1 per SMS. Nichts wurde verschickt.',
    );
    const confirmations = () =>
      t.db.dataSource.query<{ channel: string; source: string | null }[]>(
        `SELECT m.channel, r.source FROM messages m LEFT JOIN confirmation_releases r ON r.id = m.release_id
           WHERE m.kind = 'confirmation' ORDER BY m.channel`,
      );
    expect(await confirmations()).toEqual([]);

    await page.getByRole('button', { name: 'Um Bestätigung bitten …' }).click();
    await expect(page.getByTestId('ask-count').innerText()).resolves.toContain('2 E-Mails und 1 SMS');
    await expectAccessible(page);
    await page.getByRole('button', { name: '3 Anfragen jetzt senden' }).click();
    await page.getByTestId('ask-progress').waitFor();
    await expect(page.getByTestId('ask-progress').innerText()).resolves.toMatch(
      /^3 Anfragen: 0 verschickt, 3 ausstehend/,
    );
    expect(await confirmations()).toEqual([
      { channel: 'email', source: 'import' },
      { channel: 'email', source: 'import' },
      { channel: 'sms', source: 'import' },
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, 'import-confirmations-1280.png'), fullPage: true });

    // On the contacts screen none of them is left to ask.
    await page.goto(`${b.url}/app/#/contacts`);
    await page.getByRole('searchbox').fill('frage');
    await page.getByRole('checkbox', { name: 'Bestätigung angefragt, noch nicht gefragt' }).check();
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByText('Keine Kontakte gefunden.').waitFor();

    // One person asked again: refused while the first request is on its way, then a staff decision on the timeline.
    const [anna] = await findContact('anna.frage@');
    await page.goto(`${b.url}/app/#/contacts/${anna.id}`);
    const again = page.getByRole('button', { name: 'Erneut um Bestätigung bitten (E-Mail)' });
    await again.click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Nicht gesendet: eine Anfrage ist schon unterwegs.' })
      .waitFor();
    await t.db.dataSource.query(
      `UPDATE messages SET status = 'sent', sent_at = now() WHERE kind = 'confirmation' AND contact_id = $1`,
      [anna.id],
    );
    await again.click();
    await page.getByText('Anfrage per E-Mail eingereiht.').waitFor();
    await expect(page.getByTestId('asked-by').allInnerTexts()).resolves.toEqual([
      'erneut gefragt von staff',
      'Anfrage freigegeben von staff',
    ]);
    await expectAccessible(page);
    await context.close();
  });

  it('fits the upload and its mapping into 390 px', async () => {
    const { context, page } = await openUpload('staff', SECOND_FILE, 390);
    await expect(noHorizontalScroll(page)).resolves.toBe(true);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'import-mapping-390.png'), fullPage: true });
    await context.close();
  });

  it('shows a value beginning with = as plain text in the list and on the contact page, and filters the list', async () => {
    const { context, page } = await b.open();
    await signIn(page, 'staff');
    await page.getByRole('navigation').getByRole('link', { name: 'Kontakte', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Kontakte' }).waitFor();
    await page.locator('table.contacts').waitFor();
    const all = await get('/contacts');
    await expect(page.locator('p.count').innerText()).resolves.toBe(`${all.total} Kontakte`);
    await expect(page.locator('nav.pager').innerText()).resolves.toContain('Seite 1 von 1');

    await page.getByLabel(/^Suche/).fill('Formel');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await until(async () => (await page.locator('table.contacts tbody tr').count()) === 1);
    const link = page.locator('table.contacts tbody tr a');
    await expect(link.innerText()).resolves.toBe(`${FORMULA} Formel`);
    await expect(page.locator('table.contacts tbody a').count()).resolves.toBe(1);
    await expect(link.getAttribute('href')).resolves.toMatch(/^#\/contacts\/[0-9a-f-]{36}$/);
    const cells = await page.locator('table.contacts tbody tr td').allInnerTexts();
    expect(cells.slice(1, 4)).toEqual(['formel.test@example.org', '+4915123456702', '10758']);
    expect(cells[6]).toContain('E-Mail · campaign-news: angefragt');
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'contacts-1280.png'), fullPage: true });

    // Consent withdrawn on email for campaign news: the opt-out column said so for Karl.
    await page.getByLabel(/^Suche/).fill('');
    await page.getByLabel('Stand').selectOption({ label: 'widerrufen' });
    await page.getByRole('button', { name: 'Suchen' }).click();
    await until(async () => (await page.locator('p.count').innerText()) === '1 Kontakt');
    await expect(page.locator('table.contacts tbody tr a').innerText()).resolves.toBe('Karl Postfehler');
    await page.getByRole('button', { name: 'Zurücksetzen' }).click();
    await until(async () => (await page.locator('p.count').innerText()).startsWith(`${all.total} Kontakte`));

    await page.getByLabel(/^Suche/).fill('Formel');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await until(async () => (await page.locator('table.contacts tbody tr').count()) === 1);
    await link.click();
    await page.locator('.timeline').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(`${FORMULA} Formel`);
    await expect(page.locator('.timeline').innerText()).resolves.toContain(`${FILE_NAME}, Zeile 3`);
    // Staff read a contact; recording consent, the export and erasure are the admins'.
    await expect(page.getByRole('button', { name: /Erfassen|Auskunft|Löschen/ }).count()).resolves.toBe(0);
    await context.close();

    const narrow = await b.open(390);
    await signIn(narrow.page, 'staff');
    await narrow.page.getByRole('navigation').getByRole('link', { name: 'Kontakte', exact: true }).click();
    await narrow.page.locator('table.contacts').waitFor();
    await expect(noHorizontalScroll(narrow.page)).resolves.toBe(true);
    await expectAccessible(narrow.page);
    await narrow.page.screenshot({ path: join(SCREENSHOTS, 'contacts-390.png'), fullPage: true });
    await narrow.page.locator('table.contacts tbody a', { hasText: 'Formel' }).click();
    await narrow.page.locator('.timeline').waitFor();
    await expect(narrow.page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(
      `${FORMULA} Formel`,
    );
    await expect(noHorizontalScroll(narrow.page)).resolves.toBe(true);
    await expectAccessible(narrow.page);
    await narrow.page.screenshot({ path: join(SCREENSHOTS, 'contact-390.png'), fullPage: true });
    await narrow.context.close();
  });

  it('reads a second file with the saved mapping chosen by its name', async () => {
    const { context, page } = await openUpload('staff', SECOND_FILE);
    await expect(fieldSelect(page, 'email_consent').inputValue()).resolves.toBe('');
    await page.getByRole('combobox', { name: 'Gespeicherte Zuordnung' }).selectOption('mitglieder-export');
    await page.getByText('Gelesen mit der gespeicherten Zuordnung „mitglieder-export“.').waitFor();
    await until(
      async () => (await fieldSelect(page, 'email_consent').inputValue()) === 'Newsletter-Einwilligung',
    );
    await expect(fieldSelect(page, 'external_id').inputValue()).resolves.toBe('Mitglieds-Nr');
    await page.getByRole('button', { name: 'Importieren', exact: true }).click();
    await until(async () => finished(page));
    await expect(page.locator('.job').innerText()).resolves.toContain(`${FILE_NAME}: fertig`);

    const [listed] = (await get('/imports')).items as { id: string }[];
    expect(await get(`/imports/${listed.id}`)).toMatchObject({ inserted: 2, rejected: 0, errors: [] });
    const [started] = (await get(`/audit?action=import.start&entityId=${listed.id}`, 'admin')).items;
    expect(started.details).toMatchObject({ kind: 'contacts', mappingName: 'mitglieder-export' });
    const [jonas] = await findContact('jonas.zweitdatei@');
    const contact = await get(`/contacts/${jonas.id}`);
    expect(contact.externalId).toBe('M-201');
    expect(contact.consent.events).toEqual([
      expect.objectContaining({ action: 'requested', textVersion: 'v4', importLine: 2 }),
    ]);
    const [mara] = await findContact('mara.zweitdatei@');
    expect((await get(`/contacts/${mara.id}/consent`)).events).toEqual([
      expect.objectContaining({ action: 'withdrawn', importLine: 3 }),
    ]);
    await context.close();
  });

  it('shows an admin the timeline with the import’s evidence, records a paper consent, exports and erases the contact', async () => {
    const [erika] = await findContact('erika.beispiel@');
    const { context, page } = await b.open();
    await page.goto(`${b.url}/app/#/contacts/${erika.id}`);
    await signIn(page, 'admin');
    await page.locator('.timeline').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Erika Beispiel');
    const timeline = page.locator('.timeline > li');
    await expect(timeline.count()).resolves.toBe(1);
    await expect(timeline.first().locator('.event').innerText()).resolves.toContain(
      'E-Mail, campaign-news: angefragt (Import)',
    );
    await expect(timeline.first().locator('dd.file').innerText()).resolves.toBe(`${FILE_NAME}, Zeile 2`);
    await expect(timeline.first().locator('dd.text-version').innerText()).resolves.toBe('v3');
    const segment = await get(`/contacts/${erika.id}`);
    expect(segment.region).not.toBeNull();
    await expect(page.locator('.facts').innerText()).resolves.toContain(segment.region.name);

    // A paper form, recorded by hand with its evidence. The form starts empty: nothing ticked, nothing chosen.
    const consentBefore = await get(`/contacts/${erika.id}/consent`);
    const stateOf = (states: { channel: string; purpose: string; status: string }[], purpose: string) =>
      states.find((s) => s.channel === 'email' && s.purpose === purpose)?.status;
    expect(stateOf(consentBefore.states, 'campaign-news')).toBe('requested');
    const form = page.locator('form.record');
    const boxes = form.getByRole('checkbox');
    await expect(boxes.count()).resolves.toBe(3);
    await expect(boxes.evaluateAll((all) => all.map((b) => b.matches(':checked')))).resolves.toEqual([
      false,
      false,
      false,
    ]);
    await expect(form.getByLabel('Kanal').inputValue()).resolves.toBe('');
    await expect(form.getByLabel('Was die Person erklärt hat').inputValue()).resolves.toBe('');
    await form.getByLabel('Kanal').selectOption('email');
    await form.getByLabel('Was die Person erklärt hat').selectOption('confirmed');
    await form.getByLabel(/^Wann/).fill('2026-03-02T10:30');
    await form.getByLabel('Version des Einwilligungstexts').fill('papier-2');
    await form
      .getByLabel(/^Nachweis/)
      .fill('Papierformular, unterschrieben am Infostand Leipzig, Ablage 2026-031');
    // A paper that names no purpose is not recorded.
    await form.getByRole('button', { name: 'Erfassen' }).click();
    await expect(form.getByRole('alert').innerText()).resolves.toBe(
      'Kreuze mindestens einen Zweck an, den der Nachweis nennt.',
    );
    // The paper names event reminders only.
    await form.getByLabel('event-reminders').check();
    await form.getByRole('button', { name: 'Erfassen' }).click();
    await page.getByText('Erfasst; geändert: event-reminders.').waitFor();
    await until(async () => (await timeline.count()) === 2);
    const paper = timeline.nth(1);
    await expect(paper.locator('.event').innerText()).resolves.toContain(
      'E-Mail, event-reminders: bestätigt (von Hand erfasst)',
    );
    await expect(paper.locator('dd.note').innerText()).resolves.toBe(
      'Papierformular, unterschrieben am Infostand Leipzig, Ablage 2026-031',
    );
    await expect(paper.locator('dd.text-version').innerText()).resolves.toBe('papier-2');
    await expect(paper.locator('dd.file').innerText()).resolves.toBe('–');
    const history = await get(`/contacts/${erika.id}/consent`);
    // Campaign news, asked for at the import and not on the paper, is as it was: requested, not confirmed.
    expect(history.events).toHaveLength(2);
    expect(stateOf(history.states, 'campaign-news')).toBe('requested');
    expect(history.states).toEqual(
      consentBefore.states.map((s: { channel: string; purpose: string }) =>
        s.channel === 'email' && s.purpose === 'event-reminders' ? { ...s, status: 'confirmed' } : s,
      ),
    );
    expect(history.events[1]).toMatchObject({
      channel: 'email',
      purpose: 'event-reminders',
      action: 'confirmed',
      source: 'admin',
      textVersion: 'papier-2',
      occurredAt: new Date(2026, 2, 2, 10, 30).toISOString(),
      details: { evidence: 'Papierformular, unterschrieben am Infostand Leipzig, Ablage 2026-031' },
    });
    await expect(
      page.locator('table.states tbody tr', { hasText: 'event-reminders' }).innerText(),
    ).resolves.toMatch(/event-reminders\s+bestätigt\s+keine/);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'contact-1280.png'), fullPage: true });

    // Art. 15: the export arrives as a file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Auskunft (Art. 15) herunterladen' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^contact-${erika.id}-art15-\\d{4}-\\d{2}-\\d{2}\\.json$`),
    );
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    expect(exported.contact).toMatchObject({
      id: erika.id,
      first_name: 'Erika',
      last_name: 'Beispiel',
      email: 'erika.beispiel@example.org',
      external_id: 'M-101',
    });
    expect(exported.consentEvents).toHaveLength(2);
    await page.getByText(`Heruntergeladen: ${download.suggestedFilename()}`).waitFor();

    // Art. 17: only once the name is typed.
    await page.getByRole('button', { name: 'Löschen …' }).click();
    const confirm = page.getByRole('button', { name: 'Endgültig löschen' });
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await page.getByLabel('Tippe „Erika Beispiel“ zur Bestätigung').fill('Erika');
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await page.getByLabel('Tippe „Erika Beispiel“ zur Bestätigung').fill('Erika Beispiel');
    await expectAccessible(page);
    await confirm.click();
    await page.getByRole('heading', { level: 1, name: 'Kontakte' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/contacts');
    await expect(page.locator('p.done').innerText()).resolves.toContain('Der Kontakt wurde gelöscht.');
    await t.http().get(`/contacts/${erika.id}`).set(as('admin')).expect(404);
    await expect(findContact('erika.beispiel@')).resolves.toEqual([]);
    const [erased] = (await get(`/audit?action=contact.erase&entityId=${erika.id}`, 'admin')).items;
    expect(erased.staffUser.name).toBe('admin');
    await context.close();
  });

  it('the public sign-up form starts with nothing ticked, and shown again keeps only what the person ticked', async () => {
    const { context, page } = await b.open(390);
    await page.goto(`${b.url}/signup?lang=de`);
    const boxes = page.getByRole('checkbox');
    const ticked = () => boxes.evaluateAll((all) => all.map((b) => b.matches(':checked')));
    // Two purposes, the analytics consent, and the declaration: none ticked.
    await expect(boxes.count()).resolves.toBe(4);
    await expect(ticked()).resolves.toEqual([false, false, false, false]);
    await page.getByLabel('Erinnerungen an Veranstaltungen').check();
    // A number that is no mobile number: the form comes back (422) with what is wrong.
    const seen = b.consoleErrors.length;
    await page.getByLabel('Mobilnummer').fill('123');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByText('Bitte prüfen Sie Ihre Angaben:').waitFor();
    // The browser reports that answer as a failed load: expected here, and the only one.
    await until(() => Promise.resolve(b.consoleErrors.length > seen));
    expect(b.consoleErrors.splice(seen)).toEqual([expect.stringContaining('status of 422')]);
    await expect(ticked()).resolves.toEqual([false, true, false, false]);
    await expect(page.getByLabel('Erinnerungen an Veranstaltungen').isChecked()).resolves.toBe(true);
    await context.close();
  });

  it('keeps contacts from strategists: not in the navigation, and by its address a notice (the API says 403)', async () => {
    const { context, page } = await b.open();
    await page.goto(`${b.url}/app/#/contacts`);
    await signIn(page, 'strategist');
    await page.locator('.notice').waitFor();
    await expect(page.locator('.notice').innerText()).resolves.toContain(
      'Der Bereich „Kontakte“ ist für deine Rolle nicht freigegeben.',
    );
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Kontakte' }).count()).resolves.toBe(
      0,
    );
    await page.goto(`${b.url}/app/#/contacts/import`);
    await expect(page.locator('.notice').innerText()).resolves.toContain('nicht freigegeben');
    await t.http().get('/contacts').set(as('strategist')).expect(403);
    const mappings = (await t.http().get('/import-mappings').set(as('strategist')).expect(200)).body;
    expect(mappings.map((m: { name: string }) => m.name)).not.toContain('mitglieder-export');
    await expectAccessible(page);
    await context.close();
  });

  it('wrote nothing to the console', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
