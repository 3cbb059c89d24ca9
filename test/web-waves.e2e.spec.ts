import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './app.js';
import {
  type BrowserTest,
  containing,
  expectAccessible,
  SCREENSHOTS,
  shows,
  signIn,
  startBrowser,
  unexpected,
  until,
} from './browser.js';
import { runImport, tempFile } from './imports.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { isCampaign, ledgerId, recipient, waveContacts, importSamples } from './waves.js';

/** 40 contacts with confirmed email consent (see waveContacts), in de, en and tr. */
const N = 100;
/** Messages one worker has in flight per channel: after a pause, at most this many more go out. */
const CONCURRENCY = 4;
const BUILDS = 'uploads contacts with a mapping, builds an email wave from the screen';

/**
 * The staff's own supporter list, in their CRM's words (semicolons, German headers): six who confirmed their email
 * consent in German, one whose phone cannot be read (kept, warned), one with nothing reachable (rejected).
 */
const UPLOAD_NAME = 'mitglieder.csv';
const UPLOAD = [
  'Mitglieds-Nr;Rufname;Mailadresse;Mobil;WK;Sprache;Newsletter;Bestätigt am;IP-Adresse',
  ...[1, 2, 3, 4, 5, 6].map(
    (i) => `M${i};Upload${i};upload${i}@example.org;;${i * 3};de;ja;2026-02-01T09:00:00Z;192.0.2.44`,
  ),
  'M7;Upload7;upload7@example.org;abc;4;de;ja;2026-02-01T09:00:00Z;192.0.2.44',
  'M8;Niemand;kein-at-zeichen;12;5;de;ja;2026-02-01T09:00:00Z;192.0.2.44',
].join('\n');
const UPLOAD_MAPPING: Record<string, string> = {
  external_id: 'Mitglieds-Nr',
  first_name: 'Rufname',
  email: 'Mailadresse',
  phone: 'Mobil',
  region_code: 'WK',
  language: 'Sprache',
  email_consent: 'Newsletter',
  email_confirmed_at: 'Bestätigt am',
  consent_ip: 'IP-Adresse',
};

/** A number as the German screen writes it (1.234). */
const fromGerman = (text: string | null) => Number((text ?? '').trim().replace(/\./g, '').replace(',', '.'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Preview {
  audience: number;
  final: number;
  steps: { reason: string; excluded: number; remaining: number }[];
  groups: { count: number }[];
  approval: { required: boolean; threshold: number };
}

describe('the waves screens in a real browser', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let b: BrowserTest;
  let runId: string;
  let segmentCount: number;
  const ids = {} as Record<'staff' | 'strategist', string>;
  const as = (role: 'staff' | 'strategist') => t.as(role);

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      APPROVAL_THRESHOLD: '5',
      // Slow enough that a wave of 47 takes about 9 s: long enough to pause it from the screen.
      EMAIL_PER_SECOND: '5',
      EMAIL_CONCURRENCY: String(CONCURRENCY),
      QUIET_HOURS_EMAIL: 'off',
      QUIET_HOURS_SMS: 'off',
      FREQUENCY_CAP: 'off',
    });
    await importSamples(t, 'regions', 'geometry');
    const contacts = await runImport(t.db.dataSource, 'contacts', await tempFile(waveContacts(N)));
    expect(contacts.rejected).toBe(0);
    const run = (
      await t.http().post('/segmentations').set(as('strategist')).send({ k: '3', seed: 1 }).expect(201)
    ).body;
    runId = run.id;
    segmentCount = run.segments.length;
    // The strategist approves each segment's match (by hand where there is no clear one), as for a real wave.
    const matrix = (await t.http().get(`/segmentations/${runId}/matches`).set(as('strategist')).expect(200))
      .body;
    for (const s of matrix.segments)
      await t
        .http()
        .put(`/segmentations/${runId}/matches/${s.segmentId}`)
        .set(as('strategist'))
        .send({ templateKey: s.proposed ?? s.ranked[0].template })
        .expect(200);
    for (const role of ['staff', 'strategist'] as const)
      ids[role] = (await t.http().get('/auth/me').set(as(role)).expect(200)).body.id;
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
    await smtp?.close();
  });

  /** A signed-in browser at a width, on a screen of the app. */
  async function openAs(role: 'staff' | 'strategist' | 'admin', hash: string, width = 1280) {
    const opened = await b.open(width);
    await opened.page.goto(`${b.url}/app/#/${hash}`);
    await signIn(opened.page, role);
    await opened.page.waitForSelector('nav');
    return opened;
  }

  const noHorizontalScroll = (page: Page) =>
    page.locator('html').evaluate((html) => html.scrollWidth <= html.clientWidth);
  const previewOf = async (id: string) =>
    (await t.http().post(`/waves/${id}/preview`).set(as('staff')).expect(200)).body as Preview;
  const ledger = async (id: string) =>
    new Set(
      (await t.db.dataSource.query<{ id: string }[]>(`SELECT id FROM messages WHERE wave_id = $1`, [id])).map(
        (r) => r.id,
      ),
    );
  /** Campaign mails of the wave the SMTP server received (confirmation requests carry no List-Unsubscribe). */
  const received = (rows: Set<string>) =>
    smtp.messages.filter((m) => isCampaign(m) && rows.has(ledgerId(m) ?? '')).length;
  const statusOnScreen = (page: Page) => page.locator('.monitor .wave-status').getAttribute('data-status');
  const figure = async (page: Page, name: string) =>
    fromGerman(await page.locator(`.monitor dd[data-figure="${name}"]`).textContent());

  /** The funnel's table holds the API's preview exactly: the audience, every step and the final count. */
  async function expectFunnel(page: Page, preview: Preview) {
    const cell = async (step: string, column: 'excluded' | 'remaining') =>
      fromGerman(await page.locator(`table.steps tr[data-step="${step}"] td.${column}`).textContent());
    expect(await cell('audience', 'remaining')).toBe(preview.audience);
    await expect(page.locator('table.steps tbody tr').count()).resolves.toBe(preview.steps.length + 2);
    for (const step of preview.steps) {
      expect([step.reason, await cell(step.reason, 'excluded')]).toEqual([step.reason, step.excluded]);
      expect([step.reason, await cell(step.reason, 'remaining')]).toEqual([step.reason, step.remaining]);
    }
    expect(await cell('final', 'remaining')).toBe(preview.final);
    await expect(page.locator('table.groups tbody tr').count()).resolves.toBe(preview.groups.length);
    await page.waitForSelector('.funnel svg path[fill="#7a1f3d"]');
  }

  /** Uploads the staff's list on the upload screen with the mapping chosen from its own headers. */
  async function uploadContacts(page: Page) {
    await page.getByRole('navigation').getByRole('link', { name: 'Kontakte', exact: true }).click();
    await page.getByRole('link', { name: /hochladen/ }).click();
    await page.getByLabel('Datei (CSV)').setInputFiles({
      name: UPLOAD_NAME,
      mimeType: 'text/csv',
      buffer: Buffer.from(UPLOAD, 'utf8'),
    });
    await page.locator('table.rows').waitFor();
    for (const [field, column] of Object.entries(UPLOAD_MAPPING)) {
      const select = page.getByRole('combobox', { name: new RegExp(`\\(${field}\\)`) });
      await select.selectOption(column);
      await until(async () => (await select.isEnabled()) && (await select.inputValue()) === column);
    }
    await page.getByRole('button', { name: 'Importieren', exact: true }).click();
    await page.locator('table.warned-lines').waitFor({ timeout: 30_000 });
    const [job] = (await t.http().get('/imports').set(as('staff')).expect(200)).body.items as {
      id: string;
      fileName: string;
    }[];
    const done = (await t.http().get(`/imports/${job.id}`).set(as('staff')).expect(200)).body;
    expect(done).toMatchObject({
      fileName: UPLOAD_NAME,
      status: 'completed',
      read: 8,
      inserted: 7,
      rejected: 1,
    });
    const lines = (table: string) =>
      page
        .locator(`table.${table} tbody tr`)
        .evaluateAll((rows) => rows.map((r) => r.querySelector('td')?.textContent));
    expect(new Set(done.errors.map((e: { line: number }) => e.line))).toEqual(new Set([9]));
    await expect(lines('rejected-lines')).resolves.toEqual(
      done.errors.map((e: { line: number }) => String(e.line)),
    );
    await expect(lines('warned-lines')).resolves.toEqual(
      done.warningList.map((w: { line: number }) => String(w.line)),
    );
    expect(done.warningList).toContainEqual(expect.objectContaining({ line: 8, column: 'Mobil' }));
  }

  it(`${BUILDS}, refuses its launch without approval, and sends it once a strategist approved it`, async () => {
    const { context, page } = await openAs('staff', 'map');
    await uploadContacts(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Wellen', exact: true }).click();
    await page.getByRole('link', { name: 'Neue Welle' }).click();
    await page.getByRole('heading', { level: 1, name: 'Neue Welle' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Herbstaufruf');
    await page.getByLabel('Segmentierung').selectOption(runId);
    await page.waitForSelector('.builder-map svg path');
    const boxes = page.locator('.segment-list input[type="checkbox"]');
    await expect(boxes.count()).resolves.toBe(segmentCount);
    const checked = async () => {
      let n = 0;
      for (let i = 0; i < segmentCount; i++) if (await boxes.nth(i).isChecked()) n++;
      return n;
    };

    // A click on a district chooses its segment, a second click drops it again.
    const map = (await page.locator('.builder-map').boundingBox())!;
    const points = [0.5, 0.4, 0.6, 0.3, 0.7].flatMap((x) => [0.5, 0.4, 0.6].map((y) => [x, y] as const));
    let hit: readonly [number, number] | undefined;
    for (const [x, y] of points) {
      await page.mouse.click(map.x + map.width * x, map.y + map.height * y);
      await sleep(150);
      if ((await checked()) === 1) {
        hit = [x, y];
        break;
      }
    }
    expect(hit).toBeDefined();
    await page.mouse.click(map.x + map.width * hit![0], map.y + map.height * hit![1]);
    await until(async () => (await checked()) === 0);
    await page.mouse.click(map.x + map.width * hit![0], map.y + map.height * hit![1]);
    await until(async () => (await checked()) === 1);
    // The others from the list.
    for (let i = 0; i < segmentCount; i++) await boxes.nth(i).check();
    await shows(page.locator('.segments .chosen'), `${segmentCount} Segmente gewählt`);

    await page.getByLabel('Deutsch (de)', { exact: true }).check();
    await page.getByLabel('die freigegebene Zuordnung jedes Segments').check();
    await expect(page.locator('.segment-list .match').count()).resolves.toBe(segmentCount);
    await expect(noHorizontalScroll(page)).resolves.toBe(true);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'wave-builder-1280.png'), fullPage: true });

    await page.getByRole('button', { name: 'Speichern und Vorschau öffnen' }).click();
    await page.waitForURL(/#\/waves\/[0-9a-f-]{36}$/);
    const waveId = new URL(page.url()).hash.split('/')[2];
    const wave = (await t.http().get(`/waves/${waveId}`).set(as('staff')).expect(200)).body;
    expect(wave).toMatchObject({
      name: 'Herbstaufruf',
      channel: 'email',
      purpose: 'campaign-news',
      status: 'draft',
      templateStrategy: 'approved',
      createdBy: ids.staff,
      approval: null,
    });
    expect(wave.audience).toEqual({
      runId,
      segmentIds: expect.arrayContaining([]),
      languages: ['de'],
    });
    expect(wave.audience.segmentIds).toHaveLength(segmentCount);

    await page.waitForSelector('table.steps');
    const preview = await previewOf(waveId);
    expect(preview.final).toBeGreaterThan(5);
    expect(preview.approval).toMatchObject({ required: true, threshold: 5 });
    await expectFunnel(page, preview);
    await expect(page.locator('iframe[sandbox=""]').first().getAttribute('title')).resolves.toMatch(
      /^Beispiel-E-Mail /,
    );
    await shows(page.locator('.approval-state'), 'Freigabe fehlt.');

    // Staff created it: they have no approval to give (the API refuses it), and the screen says so.
    await t.http().post(`/waves/${waveId}/approve`).set(as('staff')).send({ revision: 1 }).expect(403);
    await expect(page.getByRole('button', { name: 'Freigeben' }).count()).resolves.toBe(0);
    await shows(page.locator('.not-yours'), containing('nicht du'));

    // The page knows the launch would be refused: „Starten“ rests, and says why in words.
    const start = page.getByRole('button', { name: 'Starten' });
    await expect(start.isDisabled()).resolves.toBe(true);
    await expect(
      page.locator(`#${await start.getAttribute('aria-describedby')}`).textContent(),
    ).resolves.toBe(
      'Noch nicht startbar: mehr als 5 Empfänger:innen brauchen die Freigabe einer zweiten Person, und sie fehlt.',
    );
    const refused = (await t.http().post(`/waves/${waveId}/launch`).set(as('staff')).expect(409)).body
      .message;
    expect(refused).toContain(`would reach ${preview.final} people`);
    expect((await t.http().get(`/waves/${waveId}`).set(as('staff')).expect(200)).body.status).toBe('draft');
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'wave-preview-1280.png'), fullPage: true });

    // The draft opens in the builder as it was saved; a new name changes nothing else.
    await page.getByRole('link', { name: 'Bearbeiten' }).click();
    await page.getByRole('heading', { level: 1, name: 'Welle bearbeiten: Herbstaufruf' }).waitFor();
    await until(async () => (await checked()) === segmentCount);
    await expect(page.getByLabel('Deutsch (de)', { exact: true }).isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('die freigegebene Zuordnung jedes Segments').isChecked()).resolves.toBe(
      true,
    );
    await page.getByLabel('Name', { exact: true }).fill('Herbstaufruf 2026');
    await page.getByRole('button', { name: 'Speichern und Vorschau öffnen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Herbstaufruf 2026' }).waitFor();
    const changed = (await t.http().get(`/waves/${waveId}`).set(as('staff')).expect(200)).body;
    expect(changed).toMatchObject({ name: 'Herbstaufruf 2026', status: 'draft', audience: wave.audience });
    const [update] = await t.db.dataSource.query(
      `SELECT details FROM audit_log WHERE action = 'wave.update' AND entity_id = $1`,
      [waveId],
    );
    expect(update.details).toEqual({ changed: ['name'], revision: 2 });
    await page.waitForSelector('table.steps');
    await expectFunnel(page, preview);

    const narrow = await openAs('staff', `waves/${waveId}`, 390);
    await narrow.page.waitForSelector('table.steps');
    await narrow.page.waitForSelector('.funnel svg path[fill="#7a1f3d"]');
    await expectFunnel(narrow.page, preview);
    await expect(noHorizontalScroll(narrow.page)).resolves.toBe(true);
    await expectAccessible(narrow.page);
    await narrow.page.screenshot({ path: join(SCREENSHOTS, 'wave-preview-390.png'), fullPage: true });
    await narrow.context.close();

    // A strategist, in a browser of their own, approves it.
    const second = await openAs('strategist', `waves/${waveId}`);
    await second.page.waitForSelector('table.steps');
    await expectFunnel(second.page, preview);
    await expect(second.page.getByRole('button', { name: 'Starten' }).count()).resolves.toBe(0);
    await second.page.getByRole('button', { name: 'Freigeben' }).click();
    await until(async () =>
      ((await second.page.locator('.approval-state').textContent()) ?? '').startsWith(
        'Freigegeben von strategist',
      ),
    );
    await expect(
      second.page.getByRole('status').filter({ hasText: 'Freigabe gespeichert.' }).count(),
    ).resolves.toBe(1);
    // What it approved is the revision its preview showed, after the change of name.
    expect((await t.http().get(`/waves/${waveId}`).set(as('staff')).expect(200)).body.approval).toMatchObject(
      {
        by: ids.strategist,
        byName: 'strategist',
        revision: 2,
        final: preview.final,
      },
    );
    await second.context.close();

    // Staff launch on the page they had open; the monitor follows the wave to its end without a reload.
    await page.getByRole('button', { name: 'Starten' }).click();
    await page.locator('.monitor').waitFor();
    await expect(page.getByRole('status').filter({ hasText: 'Gestartet.' }).count()).resolves.toBe(1);
    await until(async () => (await statusOnScreen(page)) === 'completed', 60_000);
    await shows(page.locator('.fact-status'), 'abgeschlossen');
    const sent = await ledger(waveId);
    expect(received(sent)).toBe(preview.final);
    // The uploaded supporters who confirmed are among them (the seven kept, each with a region of a segment).
    const recipients = smtp.messages
      .filter((m) => isCampaign(m) && sent.has(ledgerId(m) ?? ''))
      .map(recipient);
    for (let i = 1; i <= 7; i++) expect(recipients).toContain(`upload${i}@example.org`);
    expect(await figure(page, 'handedOver')).toBe(preview.final);
    expect(await figure(page, 'left')).toBe(0);
    await shows(page.locator('.monitor tr[data-status="sent"] td'), String(preview.final));
    await page.locator('.rate-chart svg path[stroke="#7a1f3d"]').first().waitFor({ state: 'attached' });
    await expect(page.getByRole('button', { name: /Pausieren|Fortsetzen|Abbrechen/ }).count()).resolves.toBe(
      0,
    );
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'wave-monitor-1280.png'), fullPage: true });
    await sleep(1000);
    expect(received(sent)).toBe(preview.final);

    // The list: the wave with its approval and progress, newest first.
    await page.getByRole('link', { name: 'Alle Wellen' }).click();
    await page.locator('table.waves').waitFor();
    const row = page.locator('table.waves tbody tr').first();
    await until(async () => ((await row.textContent()) ?? '').includes('erledigt'));
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(0, 4)).toEqual([
      'Herbstaufruf 2026',
      'E-Mail',
      'Neuigkeiten aus der Kampagne',
      'abgeschlossen',
    ]);
    expect(cells[4]).toMatch(/^staff\n/);
    expect(cells[5]).toMatch(/^freigegeben von strategist, /);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'waves-1280.png'), fullPage: true });
    await context.close();

    const list = await openAs('staff', 'waves', 390);
    await list.page.locator('table.waves').waitFor();
    await expect(noHorizontalScroll(list.page)).resolves.toBe(true);
    await expectAccessible(list.page);
    await list.page.screenshot({ path: join(SCREENSHOTS, 'waves-390.png'), fullPage: true });
    const builder = await openAs('staff', 'waves/new', 390);
    await builder.page.getByLabel('Segmentierung').selectOption(runId);
    await builder.page.waitForSelector('.builder-map svg path');
    await expect(noHorizontalScroll(builder.page)).resolves.toBe(true);
    await expectAccessible(builder.page);
    await builder.page.screenshot({ path: join(SCREENSHOTS, 'wave-builder-390.png'), fullPage: true });
    await list.context.close();
    await builder.context.close();
  }, 180_000);

  it('shows the launch and the approval in the audit log, each with the person who did it', async () => {
    const { context, page } = await openAs('admin', 'audit');
    const rows = page.locator('table.audit tbody tr');
    await rows.first().waitFor();
    await page.getByLabel('Aktion', { exact: true }).selectOption('wave.');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await until(async () =>
      (await rows.locator('td:nth-child(3)').allInnerTexts()).every((a) => a.startsWith('Welle ')),
    );
    const entries = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 3).map((td) => td.textContent?.trim())),
    );
    expect(entries).toContainEqual(['staff', 'Welle gestartet']);
    expect(entries).toContainEqual(['strategist', 'Welle freigegeben']);
    expect(entries).toContainEqual(['staff', 'Welle angelegt']);
    await expectAccessible(page);
    await context.close();
  });

  it('pauses a sending wave from the monitor: at most the in-flight messages follow, then none until it resumes', async () => {
    const { id } = (
      await t
        .http()
        .post('/waves')
        .set(as('staff'))
        .send({
          name: 'Frieden – alle',
          channel: 'email',
          purpose: 'campaign-news',
          audience: {},
          templateStrategy: 'fixed',
          templateKey: 'peace',
        })
        .expect(201)
    ).body;
    await t.http().post(`/waves/${id}/approve`).set(as('strategist')).send({ revision: 1 }).expect(200);
    const preview = await previewOf(id);
    // The 40 seeded and the 7 uploaded by the first test who confirmed.
    expect(preview.final).toBe(40 + 7);

    const { context, page } = await openAs('staff', `waves/${id}`);
    await page.waitForSelector('table.steps');
    await expectFunnel(page, preview);
    await shows(page.locator('.approval-state'), /^Freigegeben von strategist/);
    await page.getByRole('button', { name: 'Starten' }).click();
    await page.locator('.monitor').waitFor();
    const rows = await ledger(id);
    await until(() => Promise.resolve(received(rows) >= 8), 30_000);
    await page.getByRole('button', { name: 'Pausieren' }).click();
    await page.locator('.monitor .acknowledged').filter({ hasText: 'Status jetzt: pausiert.' }).waitFor();
    const atPause = received(rows);
    expect(atPause).toBeLessThan(preview.final);
    await expect(page.getByRole('button', { name: 'Fortsetzen' }).isEnabled()).resolves.toBe(true);
    await shows(page.locator('.fact-status'), 'pausiert');

    await sleep(1500);
    const afterInFlight = received(rows);
    expect(afterInFlight - atPause).toBeLessThanOrEqual(CONCURRENCY);
    await sleep(3000);
    expect(received(rows)).toBe(afterInFlight);
    await until(async () => (await figure(page, 'handedOver')) === afterInFlight);
    expect(await figure(page, 'left')).toBe(preview.final - afterInFlight);
    await expect(statusOnScreen(page)).resolves.toBe('paused');
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'wave-paused-1280.png'), fullPage: true });

    await page.getByRole('button', { name: 'Fortsetzen' }).click();
    await page
      .locator('.monitor .acknowledged')
      .filter({ hasText: 'Status jetzt: wird gesendet.' })
      .waitFor();
    await until(async () => (await statusOnScreen(page)) === 'completed', 60_000);
    expect(received(rows)).toBe(preview.final);
    expect(await figure(page, 'handedOver')).toBe(preview.final);
    await context.close();

    const narrow = await openAs('staff', `waves/${id}`, 390);
    await narrow.page
      .locator('.rate-chart svg path[stroke="#7a1f3d"]')
      .first()
      .waitFor({ state: 'attached' });
    await expect(noHorizontalScroll(narrow.page)).resolves.toBe(true);
    await expectAccessible(narrow.page);
    await narrow.page.screenshot({ path: join(SCREENSHOTS, 'wave-monitor-390.png'), fullPage: true });
    await narrow.context.close();
  }, 120_000);

  it('creates an event with a reminder from the screen; the timeline shows it with its reminder wave and cut-off', async () => {
    const { context, page } = await openAs('staff', 'map');
    await page.getByRole('navigation').getByRole('link', { name: 'Termine', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Termine' }).waitFor();
    const local = (d: Date) => {
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    };
    const start = new Date(Date.now() + 3 * 86_400_000);
    start.setSeconds(0, 0);
    const cutoff = new Date(start.getTime() - 3_600_000);
    await page.getByLabel('Name des Termins').fill('Kundgebung am Marktplatz');
    await page.getByLabel('Beginn', { exact: true }).fill(local(start));
    await page.getByLabel('Stichzeitpunkt').fill(local(cutoff));
    await page.getByLabel('Ort', { exact: true }).fill('Marktplatz');
    const reminder = page.locator('fieldset.reminder').first();
    await reminder.getByLabel('Wie lange vorher').fill('1');
    await reminder.getByLabel('Einheit').selectOption('days');
    await reminder.getByLabel('Vorlage').selectOption('housing-reminder');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Termin anlegen' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Termin „Kundgebung am Marktplatz“ angelegt.' })
      .waitFor();

    const [event] = (await t.http().get('/events').set(as('staff')).expect(200)).body;
    const detail = (await t.http().get(`/events/${event.id}`).set(as('staff')).expect(200)).body;
    const [startIso, cutoffIso] = await page.evaluate(
      ([a, c]) => [new Date(a).toISOString(), new Date(c).toISOString()],
      [local(start), local(cutoff)],
    );
    expect(detail).toMatchObject({
      name: 'Kundgebung am Marktplatz',
      place: 'Marktplatz',
      startsAt: startIso,
    });
    expect(detail.cutoffAt).toBe(cutoffIso);
    expect(detail.reminders).toHaveLength(1);
    const [wave] = detail.reminders;
    expect(wave).toMatchObject({ offsetMinutes: 1440, templateKey: 'housing-reminder', status: 'scheduled' });

    const item = page.locator(`.timeline li[data-event="${event.id}"]`);
    await shows(item.locator('h3'), 'Kundgebung am Marktplatz');
    await expect(item.locator('.when time').getAttribute('datetime')).resolves.toBe(startIso);
    await expect(item.locator('.cutoff time').getAttribute('datetime')).resolves.toBe(cutoffIso);
    const listed = item.locator('.reminders li');
    await expect(listed.count()).resolves.toBe(1);
    await shows(listed.getByRole('link'), wave.name);
    await expect(listed.getByRole('link').getAttribute('href')).resolves.toBe(`#/waves/${wave.id}`);
    const text = (await listed.textContent()) ?? '';
    expect(text).toContain('1 Tag vorher');
    expect(text).toContain('geplant');
    await expect(noHorizontalScroll(page)).resolves.toBe(true);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'events-1280.png'), fullPage: true });

    // After a reload too, and at 390 px.
    await context.close();
    const narrow = await openAs('staff', 'events', 390);
    await narrow.page.locator(`.timeline li[data-event="${event.id}"] .reminders li`).waitFor();
    await expect(noHorizontalScroll(narrow.page)).resolves.toBe(true);
    await expectAccessible(narrow.page);
    await narrow.page.screenshot({ path: join(SCREENSHOTS, 'events-390.png'), fullPage: true });
    await narrow.context.close();
  });

  it('shows template versions where they are decided: the editor names what stays on the older one, the matches screen approves the newer, the wave page and preview show the version per group', async () => {
    const matrix = (await t.http().get(`/segmentations/${runId}/matches`).set(as('strategist')).expect(200))
      .body;
    const segment = matrix.segments[0];
    const key: string = segment.decision.templateKey;
    const approved: number = segment.decision.templateVersion;
    const template = (await t.http().get(`/templates/${key}`).set(as('strategist')).expect(200)).body;
    // A draft over the approved matches, approved: it sends the version each match approved.
    const { id } = (
      await t
        .http()
        .post('/waves')
        .set(as('staff'))
        .send({
          name: 'Versionen',
          channel: 'email',
          purpose: 'campaign-news',
          audience: { runId, segmentIds: matrix.segments.map((s: { segmentId: string }) => s.segmentId) },
          templateStrategy: 'approved',
        })
        .expect(201)
    ).body;
    await t.http().post(`/waves/${id}/approve`).set(as('strategist')).send({ revision: 1 }).expect(200);

    // The strategist saves a new version in the editor: it names the match and the wave still on the older one.
    const editor = await openAs('strategist', `templates/${key}`);
    const sms = editor.page.getByLabel('SMS', { exact: true });
    await sms.waitFor();
    await sms.fill(`${template.content.de.sms} Neu.`);
    await editor.page.getByRole('button', { name: 'Speichern' }).click();
    const uses = editor.page.locator('section.uses');
    await uses.waitFor();
    const latest = approved + 1;
    await shows(uses.locator('h2'), `Wo v${latest} noch nicht ankommt`);
    const name = segment.name ?? segment.label.de;
    const match = uses.locator('.uses-matches a', { hasText: name });
    await shows(match, `${name}: v${approved} freigegeben`);
    await expect(match.getAttribute('href')).resolves.toBe(`#/segmentations/${runId}/matches`);
    const waveLink = uses.locator('.uses-waves li', { hasText: 'Versionen' });
    await expect(waveLink.getByRole('link').getAttribute('href')).resolves.toBe(`#/waves/${id}`);
    await shows(waveLink, containing('(Entwurf, freigegeben)'));
    await expectAccessible(editor.page);
    await editor.context.close();
    // A new version does not reach a match by itself: the wave and its approval stay as they were.
    const before = (await t.http().get(`/waves/${id}`).set(as('staff')).expect(200)).body;
    expect(before).toMatchObject({ revision: 1, approval: { revision: 1 } });
    expect(before.templates).toContainEqual(
      expect.objectContaining({
        segmentId: segment.segmentId,
        template: key,
        version: approved,
        latestVersion: latest,
      }),
    );

    // The wave's page: its preview shows the version each group gets, and the newer one not approved.
    const page1 = await openAs('strategist', `waves/${id}`);
    await page1.page.waitForSelector('table.groups');
    const cell = page1.page
      .locator('table.groups td.group-template', { hasText: `${key} v${approved}` })
      .first();
    await shows(cell, new RegExp(`${key} v${approved}\\s*· v${latest} gespeichert am .+, nicht freigegeben`));
    await shows(page1.page.locator('.fact-revision'), '1');
    await shows(page1.page.locator('.wave-templates'), containing(`${key} v${approved}`));
    await page1.page.screenshot({ path: join(SCREENSHOTS, 'wave-versions-1280.png'), fullPage: true });
    await page1.context.close();

    // The matches screen says so per segment, and approves the newer version in one place.
    const { context, page } = await openAs('strategist', `segmentations/${runId}/matches`);
    const choice = page.locator('.segment-choice', { hasText: name });
    await shows(
      choice.locator('.newer-version'),
      new RegExp(`^v${latest} gespeichert am .+, v${approved} freigegeben$`),
    );
    await choice.click();
    await page.getByRole('button', { name: `v${latest} ansehen und freigeben` }).click();
    const review = page.getByRole('region', { name: new RegExp(`Version ${latest}$`) });
    await shows(review.locator('.sms').first(), `${template.content.de.sms} Neu.`);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'matches-newer-version-1280.png'), fullPage: true });
    await review.getByRole('button', { name: `v${latest} freigeben` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `v${latest} freigegeben.` })
      .waitFor();
    await shows(choice.locator('.version'), `v${latest}`);
    await context.close();

    // Approving it changed what the wave sends: a new revision, its approval withdrawn, the new version shown.
    const after = (await t.http().get(`/waves/${id}`).set(as('staff')).expect(200)).body;
    expect(after).toMatchObject({ revision: 2, approval: null });
    const page2 = await openAs('strategist', `waves/${id}`);
    await page2.page.waitForSelector('table.groups');
    await shows(page2.page.locator('.fact-revision'), '2');
    await shows(
      page2.page.locator('.preview-revision'),
      'Vorschau der Revision 2: freigegeben wird genau, was sie zeigt.',
    );
    await expect(
      page2.page.locator('table.groups td.group-template', { hasText: `${key} v${latest}` }).count(),
    ).resolves.toBeGreaterThan(0);
    await shows(page2.page.locator('.approval-state'), 'Freigabe fehlt.');
    await page2.context.close();
  }, 120_000);

  it('wrote nothing to the console but the refused launch', () => {
    const refusedLaunch = (e: string) => e.includes(BUILDS) && e.includes('status of 409');
    expect(unexpected(b.consoleErrors).filter((e) => !refusedLaunch(e))).toEqual([]);
  });
});
