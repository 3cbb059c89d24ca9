import { join } from 'node:path';
import type { Page } from 'playwright-core';
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
import { startSmtp, type TestSmtp } from './smtp.js';
import { loadWaveData } from './waves.js';

/** 30 contacts: 12 with confirmed email consent (see waveContacts). */
const CONTACTS = 30;
const THRESHOLD = 5;
const WIDTHS = [1280, 390] as const;
const LANGUAGES = ['de', 'en'] as const;

describe('the waves screens, as a new user found them', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let b: BrowserTest;
  const ids = {} as Record<'staff' | 'strategist' | 'admin', string>;
  const as = (role: 'staff' | 'strategist' | 'admin') => ({ Authorization: `Bearer ${t.tokens[role]}` });

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
        await page.screenshot({
          path: join(SCREENSHOTS, `wave-monitor-chart-${lang}-${width}.png`),
          fullPage: true,
        });
        await context.close();
      }
  }, 240_000);

  it('wrote nothing unexpected to the console', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
