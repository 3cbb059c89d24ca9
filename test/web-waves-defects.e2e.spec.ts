import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './app.js';
import {
  type BrowserTest,
  expectAccessible,
  SCREENSHOTS,
  shows,
  signIn,
  startBrowser,
  unexpected,
  until,
} from './browser.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { runImport } from './imports.js';
import { loadWaveData, SAMPLES } from './waves.js';

/** 30 contacts: 12 with confirmed email consent (see waveContacts). */
const CONTACTS = 30;
const THRESHOLD = 5;
const WIDTHS = [1280, 390] as const;
const LANGUAGES = ['de', 'en'] as const;
const LOCALES = { de: 'de-DE', en: 'en-GB' } as const;

describe('the waves screens, as a new user found them', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let b: BrowserTest;
  const ids = {} as Record<'staff' | 'strategist' | 'admin', string>;
  const as = (role: 'staff' | 'strategist' | 'admin') => t.as(role);

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      APPROVAL_THRESHOLD: String(THRESHOLD),
      // 12 recipients at 2 a second: about 6 s of sending, time enough to watch it.
      EMAIL_PER_SECOND: '2',
      QUIET_HOURS_EMAIL: 'off',
      QUIET_HOURS_SMS: 'off',
      FREQUENCY_CAP: 'off',
    });
    await loadWaveData(t, CONTACTS);
    // The strategist's start screen is the map.
    await runImport(t.db.dataSource, 'geometry', join(SAMPLES, 'geometry.geojson'));
    for (const role of ['staff', 'strategist', 'admin'] as const)
      ids[role] = (await t.http().get('/auth/me').set(as(role)).expect(200)).body.id;
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
    await smtp?.close();
  });

  /** A signed-in browser at a width and in a language, on a screen of the app. */
  async function openAs(role: 'staff' | 'strategist' | 'admin', hash: string, width = 1280, lang = 'de') {
    const opened = await b.open(width);
    await opened.page.goto(`${b.url}/app/#/${hash}`);
    await signIn(opened.page, role);
    await opened.page.waitForSelector('nav');
    // The choice is saved as the user's: each browser sets the one it wants.
    await opened.page.locator('header select').selectOption(lang);
    await until(async () => (await opened.page.locator('html').getAttribute('lang')) === lang);
    return opened;
  }

  const statusOf = (page: Page) => page.locator('.monitor .wave-status').getAttribute('data-status');
  /** The rate chart's box and the box of the drawing in it. */
  const boxes = async (page: Page) => {
    const size = async (selector: string) => {
      const box = (await page.locator(selector).first().boundingBox())!;
      return { width: Math.round(box.width), height: Math.round(box.height) };
    };
    return { chart: await size('.rate-chart'), drawing: await size('.rate-chart svg') };
  };
  const shoot = (page: Page, name: string, lang: string, width: number) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}-${lang}-${width}.png`), fullPage: true });
  const pageWidth = (page: Page) => page.locator('html').evaluate((html) => html.scrollWidth);

  /** A draft over everyone who consented to campaign news by email, with one template for all. */
  async function draft(name: string, by: 'staff' | 'admin' = 'staff'): Promise<string> {
    return (
      await t
        .http()
        .post('/waves')
        .set(as(by))
        .send({
          name,
          channel: 'email',
          purpose: 'campaign-news',
          audience: {},
          templateStrategy: 'fixed',
          templateKey: 'peace',
        })
        .expect(201)
    ).body.id;
  }
  const approve = (id: string, revision = 1) =>
    t.http().post(`/waves/${id}/approve`).set(as('strategist')).send({ revision }).expect(200);

  it('keeps the rate chart at its size, with its line, when the wave completes while watched', async () => {
    for (const lang of LANGUAGES)
      for (const width of WIDTHS) {
        const id = await draft(`Bis zum Ende ${lang} ${width}`);
        await approve(id);
        const { context, page } = await openAs('staff', `waves/${id}`, width, lang);
        await page.waitForSelector('table.steps');
        await page.getByRole('button', { name: lang === 'de' ? 'Starten' : 'Launch', exact: true }).click();
        const chart = page.locator('.rate-chart');
        await chart.locator('svg path[stroke="#7a1f3d"]').first().waitFor({ state: 'attached' });
        await until(async () => (await statusOf(page)) === 'sending');
        const during = await boxes(page);
        await until(async () => (await statusOf(page)) === 'completed', 60_000);
        // Two more polls' time: the screen stops polling, and what it shows stays.
        await new Promise((resolve) => setTimeout(resolve, 4500));
        const after = await boxes(page);
        expect(during.chart.height).toBeGreaterThan(200);
        expect(after).toEqual(during);
        await expect(chart.locator('svg path[stroke="#7a1f3d"]').count()).resolves.toBeGreaterThan(0);
        expect(await pageWidth(page)).toBeLessThanOrEqual(width);
        await shoot(page, 'wave-monitor-chart', lang, width);
        await context.close();
      }
  }, 240_000);

  it('expects the end at the rate achieved, as a time of the day, and then shows when the wave ended', async () => {
    const id = await draft('Ende absehbar');
    await approve(id);
    const { context, page } = await openAs('staff', `waves/${id}`);
    await page.waitForSelector('table.steps');
    await page.getByRole('button', { name: 'Starten', exact: true }).click();
    const expected = page.locator('.monitor dd[data-figure="expectedEnd"] time');
    await expected.waitFor({ timeout: 20_000 });
    await shows(expected, /^\d{2}:\d{2}$/);
    const promised = new Date((await expected.getAttribute('datetime'))!);
    await until(async () => (await statusOf(page)) === 'completed', 60_000);
    const wave = (await t.http().get(`/waves/${id}`).set(as('staff')).expect(200)).body;
    const ended = new Date(wave.completedAt);
    // 12 messages at 2 a second: the promise made while sending holds to within a few seconds.
    expect(Math.abs(promised.getTime() - ended.getTime())).toBeLessThan(8000);
    const end = page.locator('.monitor dd[data-figure="endedAt"]');
    await end.waitFor();
    await shows(end, new Intl.DateTimeFormat('de-DE', { timeStyle: 'short' }).format(ended));
    await context.close();
    for (const lang of LANGUAGES)
      for (const width of WIDTHS) {
        const opened = await openAs('staff', `waves/${id}`, width, lang);
        await opened.page.locator('.monitor dd[data-figure="endedAt"]').waitFor();
        await shows(
          opened.page.locator('.monitor dd[data-figure="endedAt"]'),
          new Intl.DateTimeFormat(LOCALES[lang], { timeStyle: 'short' }).format(ended),
        );
        await shoot(opened.page, 'wave-monitor-end', lang, width);
        await opened.context.close();
      }
  }, 120_000);

  it('lists the waves awaiting the caller’s approval: only those above the threshold they may approve', async () => {
    const waiting = await draft('Wartet auf Freigabe');
    const byAdmin = await draft('Vom Admin', 'admin');
    const approved = await draft('Schon freigegeben');
    for (const id of [waiting, byAdmin, approved])
      await t.http().post(`/waves/${id}/preview`).set(as('staff')).expect(200);
    await approve(approved);
    const awaiting = async (role: 'staff' | 'strategist' | 'admin') =>
      (
        (await t.http().get('/waves?awaiting=my-approval').set(as(role)).expect(200)).body as {
          id: string;
          recipients: number | null;
        }[]
      ).map((w) => [w.id, w.recipients]);
    await expect(awaiting('strategist')).resolves.toEqual([
      [byAdmin, 12],
      [waiting, 12],
    ]);
    // The admin created one of them: the other waits for them.
    await expect(awaiting('admin')).resolves.toEqual([[waiting, 12]]);
    await expect(awaiting('staff')).resolves.toEqual([]);
    await t.http().get('/waves?awaiting=everything').set(as('strategist')).expect(422);
    // A change withdraws nothing from the list: the changed wave still waits, once its count is of the new revision.
    await t
      .http()
      .patch(`/waves/${byAdmin}`)
      .set(as('staff'))
      .send({ name: 'Vom Admin, geändert' })
      .expect(200);
    await expect(awaiting('strategist')).resolves.toEqual([[waiting, 12]]);
    await t.http().post(`/waves/${byAdmin}/preview`).set(as('staff')).expect(200);
    await expect(awaiting('strategist')).resolves.toEqual([
      [byAdmin, 12],
      [waiting, 12],
    ]);

    for (const lang of LANGUAGES)
      for (const width of WIDTHS) {
        // The strategist signs in and lands on their start screen.
        const opened = await b.open(width);
        const { page } = opened;
        await page.goto(`${b.url}/app/`);
        await signIn(page, 'strategist');
        await page.waitForSelector('nav');
        await page.locator('header select').selectOption(lang);
        const section = page.locator('section.awaiting');
        await section.waitFor();
        await shows(
          section.locator('h2'),
          lang === 'de' ? 'Wellen warten auf deine Freigabe (2)' : 'Waves awaiting your approval (2)',
        );
        await expect(section.locator('li a').allTextContents()).resolves.toEqual([
          'Vom Admin, geändert',
          'Wartet auf Freigabe',
        ]);
        const link = page.getByRole('navigation').getByRole('link', { name: /^(Wellen|Waves)/ });
        await shows(
          link,
          lang === 'de'
            ? 'Wellen2: 2 Wellen warten auf deine Freigabe'
            : 'Waves2: 2 waves await your approval',
        );
        await shows(link.locator('.badge'), '2');
        expect(await pageWidth(page)).toBeLessThanOrEqual(width);
        await expectAccessible(page);
        await shoot(page, 'start-awaiting-approval', lang, width);
        await opened.context.close();
      }
  }, 180_000);

  it('says the approval rule in words, on the page and in the refusal: no setting names, routes or codes', async () => {
    const id = await draft('In Worten');
    const refused = (await t.http().post(`/waves/${id}/launch`).set(as('staff')).expect(409)).body.message;
    expect(refused).toBe(
      "this wave would reach 12 people, and more than 5 recipients need a second person's approval: a strategist " +
        'or admin other than its creator must approve it first',
    );
    for (const lang of LANGUAGES)
      for (const width of WIDTHS) {
        const { context, page } = await openAs('staff', `waves/${id}`, width, lang);
        await page.waitForSelector('table.steps');
        const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
        expect(text).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
        expect(text).not.toMatch(/\b(GET|POST|PATCH|PUT|DELETE) \//);
        expect(text).not.toMatch(/\/waves|:id|campaign-news/);
        expect(text).toContain(
          lang === 'de'
            ? 'mehr als 5 Empfänger:innen brauchen die Freigabe einer zweiten Person'
            : "more than 5 recipients need a second person's approval",
        );
        await shoot(page, 'wave-words', lang, width);
        await context.close();
      }
  }, 120_000);

  it('rests „Starten“ with its reason beside it while the page knows the launch would be refused', async () => {
    const id = await draft('Noch nicht');
    const reasonOf = async (page: Page) => {
      const start = page.locator('button.launch');
      const described = await start.getAttribute('aria-describedby');
      return {
        disabled: await start.isDisabled(),
        reason: described ? await page.locator(`#${described}`).textContent() : null,
      };
    };
    for (const lang of LANGUAGES)
      for (const width of WIDTHS) {
        const { context, page } = await openAs('staff', `waves/${id}`, width, lang);
        await page.waitForSelector('table.steps');
        await expect(reasonOf(page)).resolves.toEqual({
          disabled: true,
          reason:
            lang === 'de'
              ? 'Noch nicht startbar: mehr als 5 Empfänger:innen brauchen die Freigabe einer zweiten Person, und sie fehlt.'
              : "Cannot launch yet: more than 5 recipients need a second person's approval, and it is missing.",
        });
        await expectAccessible(page);
        await shoot(page, 'wave-launch-blocked', lang, width);
        await context.close();
      }
    // Whoever approved it may not launch it: the admin's page says so before they try.
    await t.http().post(`/waves/${id}/approve`).set(as('admin')).send({ revision: 1 }).expect(200);
    const admin = await openAs('admin', `waves/${id}`);
    await admin.page.waitForSelector('table.steps');
    await until(async () => (await reasonOf(admin.page)).reason !== null);
    await expect(reasonOf(admin.page)).resolves.toEqual({
      disabled: true,
      reason: 'Nicht durch dich startbar: du hast die Welle freigegeben, starten muss jemand anderes.',
    });
    await admin.context.close();
    // Staff may launch what the admin approved.
    const { context, page } = await openAs('staff', `waves/${id}`);
    await page.waitForSelector('table.steps');
    await expect(reasonOf(page)).resolves.toEqual({ disabled: false, reason: null });
    await page.locator('button.launch').click();
    await page.locator('.monitor').waitFor();
    await until(async () => (await statusOf(page)) === 'completed', 60_000);
    await context.close();
  }, 120_000);

  it('writes dates and numbers as the reader’s locale does, never as ISO strings', async () => {
    const id = await draft('Datum und Zahl');
    const wave = (await t.http().get(`/waves/${id}`).set(as('staff')).expect(200)).body;
    for (const lang of LANGUAGES) {
      const dateTime = new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short' });
      const list = await openAs('staff', 'waves', 1280, lang);
      const row = list.page.locator('table.waves tbody tr', { hasText: 'Datum und Zahl' });
      await row.waitFor();
      await expect(row.locator('td').nth(4).innerText()).resolves.toBe(
        `staff\n${dateTime.format(new Date(wave.createdAt))}`,
      );
      const text = await list.page.locator('main').innerText();
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      await list.context.close();
      // A finished wave's monitor: its rate with the locale's decimal sign, its times without ISO.
      const done = (await t.http().get('/waves').set(as('staff')).expect(200)).body.find(
        (w: { status: string }) => w.status === 'completed',
      );
      const monitor = await openAs('staff', `waves/${done.id}`, 1280, lang);
      await monitor.page.locator('.monitor dd[data-figure="rate"]').waitFor();
      const page = (await monitor.page.locator('main').innerText()).replace(/\s+/g, ' ');
      expect(page).not.toMatch(/\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}/);
      await monitor.page.locator('.monitor details summary').click();
      const achieved = await monitor.page.locator('table.buckets tbody tr td:nth-child(3)').allTextContents();
      expect(achieved.length).toBeGreaterThan(0);
      expect(achieved.filter((a) => a.includes(lang === 'de' ? '.' : ','))).toEqual([]);
      const { buckets } = (await t.http().get(`/waves/${done.id}/progress`).set(as('staff')).expect(200)).body
        .sent;
      const withSeconds = new Intl.DateTimeFormat(LOCALES[lang], {
        dateStyle: 'medium',
        timeStyle: 'medium',
      });
      await expect(
        monitor.page.locator('table.buckets tbody tr td:nth-child(1)').allTextContents(),
      ).resolves.toEqual(buckets.map((b: { at: string }) => withSeconds.format(new Date(b.at))));
      await shoot(monitor.page, 'wave-monitor-locale', lang, 1280);
      await monitor.context.close();
    }
  }, 120_000);

  it('keeps every waves screen within a 390 px phone', async () => {
    const id = await draft('Schmal');
    const screens = ['waves', `waves/${id}`, 'waves/new', 'events'];
    for (const lang of LANGUAGES)
      for (const hash of screens) {
        const { context, page } = await openAs('staff', hash, 390, lang);
        await page.locator('h1').waitFor();
        if (hash === `waves/${id}`) await page.waitForSelector('table.steps');
        if (hash === 'waves') await page.waitForSelector('table.waves');
        expect([hash, await pageWidth(page)]).toEqual([hash, 390]);
        await shoot(page, `phone-${hash.replace(id, 'wave').replace(/\//g, '-')}`, lang, 390);
        await context.close();
      }
  }, 180_000);

  it('wrote nothing unexpected to the console', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
