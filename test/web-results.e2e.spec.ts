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
import { loadWaveData, waitFor } from './waves.js';

/** 60 contacts: 24 with confirmed email consent (see waveContacts). */
const CONTACTS = 60;
const WIDTHS = [1280, 390] as const;
const LANGUAGES = ['de', 'en'] as const;
const WORDS = {
  de: {
    title: 'Ergebnisse: Ergebnis-Welle',
    link: 'Ergebnisse',
    table: 'Ergebnisse je Segment, Vorlage und Sprache',
    small: 'weniger als 5',
    csv: 'Als CSV herunterladen',
    of: 'von',
    campaign: 'Was wo gewirkt hat',
    cells: 'Ergebnisse je Segment und Thema',
    metric: 'Zeigen',
    optOutRate: 'Abmeldequote',
  },
  en: {
    title: 'Results: Ergebnis-Welle',
    link: 'Results',
    table: 'Results per segment, template and language',
    small: 'fewer than 5',
    csv: 'Download as CSV',
    of: 'of',
    campaign: 'What worked where',
    cells: 'Results per segment and issue',
    metric: 'Show',
    optOutRate: 'Opt-out rate',
  },
} as const;

interface Results {
  totals: { handedOver: number; messages: number; skipped: number };
  groups: { suppressed: boolean; messages?: number; skipped?: number }[];
}

describe("a wave's results page in a real browser", () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let b: BrowserTest;
  let waveId: string;
  let runId: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      QUIET_HOURS_EMAIL: 'off',
      FREQUENCY_CAP: 'off',
    });
    await loadWaveData(t, CONTACTS);
    const run = (
      await t.http().post('/segmentations').set(t.as('strategist')).send({ k: '3', seed: 1 }).expect(201)
    ).body as { id: string; segments: { id: string }[] };
    runId = run.id;
    const wave = (
      await t
        .http()
        .post('/waves')
        .set(t.as('staff'))
        .send({
          name: 'Ergebnis-Welle',
          channel: 'email',
          purpose: 'campaign-news',
          audience: { runId: run.id, segmentIds: run.segments.map((s) => s.id) },
          templateStrategy: 'fixed',
          templateKey: 'housing',
        })
        .expect(201)
    ).body as { id: string };
    waveId = wave.id;
    await t.http().post(`/waves/${waveId}/launch`).set(t.as('staff')).expect(200);
    await waitFor(
      async () => (await t.http().get(`/waves/${waveId}`).set(t.as('staff'))).body.status as string,
      (s) => s === 'completed',
    );
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
    await smtp?.close();
  });

  async function openAs(role: 'staff' | 'strategist', hash: string, width: number, lang: string) {
    const opened = await b.open(width);
    await opened.page.goto(`${b.url}/app/#/${hash}`);
    await signIn(opened.page, role);
    await opened.page.waitForSelector('nav');
    await opened.page.locator('header select').selectOption(lang);
    await until(async () => (await opened.page.locator('html').getAttribute('lang')) === lang);
    return opened;
  }
  const pageWidth = (page: Page) => page.locator('html').evaluate((html) => html.scrollWidth);

  it('a strategist reaches the results from the wave and sees the counts, rates with intervals, small groups withheld, and a CSV', async () => {
    const results = (await t.http().get(`/waves/${waveId}/results`).set(t.as('strategist')).expect(200))
      .body as Results;
    const withheld = results.groups.filter((g) => g.suppressed).length;
    expect(results.totals.handedOver).toBe(24);
    for (const lang of LANGUAGES)
      for (const width of WIDTHS) {
        const words = WORDS[lang];
        const { context, page } = await openAs('strategist', `waves/${waveId}`, width, lang);
        await page.getByRole('link', { name: words.link, exact: true }).click();
        await page.getByRole('heading', { level: 1, name: words.title }).waitFor();
        const figure = (name: string) => page.locator(`dd[data-figure="${name}"]`);
        expect((await figure('handedOver').innerText()).startsWith('24')).toBe(true);
        // Nothing reported delivered by an SMTP server: 0 of the 24 handed over, with its interval (0 to 13.8 %).
        expect(await figure('delivered').innerText()).toMatch(
          new RegExp(`^0 ${words.of} 24 · 0\\s?% \\(0[–-]13[,.]8\\s?%\\)`),
        );
        const table = page.getByRole('table', { name: words.table });
        await table.waitFor();
        expect(await table.locator('tbody tr').count()).toBe(results.groups.length);
        expect(await table.getByRole('cell', { name: words.small, exact: true }).count()).toBe(withheld);
        const csv = page.getByRole('link', { name: words.csv });
        const answer = await page.request.get(new URL((await csv.getAttribute('href'))!, b.url).href);
        expect(answer.status()).toBe(200);
        expect(answer.headers()['content-type']).toMatch(/text\/csv/);
        expect((await answer.text()).split('\r\n')[0]).toMatch(
          /^segment,segmentId,template,version,language,/,
        );
        expect(await pageWidth(page)).toBeLessThanOrEqual(width);
        await expectAccessible(page);
        await page.screenshot({
          path: join(SCREENSHOTS, `wave-results-${lang}-${width}.png`),
          fullPage: true,
        });
        await context.close();
      }
    // With 24 recipients in three segments and two languages, some groups are about fewer than five people.
    expect(withheld).toBeGreaterThan(0);
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });

  it('a strategist sees which issue worked where: a heatmap and a table per segment and issue, linked to the waves', async () => {
    const view = (await t.http().get(`/segmentations/${runId}/results`).set(t.as('strategist')).expect(200))
      .body as { cells: { suppressed: boolean; merged: string[] | null }[] };
    for (const lang of LANGUAGES)
      for (const width of WIDTHS) {
        const words = WORDS[lang];
        const { context, page } = await openAs('strategist', `segmentations/${runId}`, width, lang);
        await page.getByRole('link', { name: words.campaign, exact: true }).click();
        await page.getByRole('heading', { level: 1, name: words.campaign }).waitFor();
        await page.getByRole('img', { name: new RegExp(`^Heatmap: `) }).waitFor();
        const table = page.getByRole('table', { name: words.cells });
        await table.waitFor();
        expect(await table.locator('tbody tr').count()).toBe(view.cells.length);
        expect(await table.getByRole('cell', { name: words.small, exact: true }).count()).toBe(
          view.cells.filter((c) => c.suppressed).length,
        );
        await page.getByLabel(words.metric).selectOption({ label: words.optOutRate });
        await page.getByRole('img', { name: new RegExp(`^Heatmap: ${words.optOutRate}`) }).waitFor();
        await page.getByRole('columnheader', { name: new RegExp(`^${words.optOutRate}`) }).waitFor();
        expect(await pageWidth(page)).toBeLessThanOrEqual(width);
        await expectAccessible(page);
        await page.screenshot({
          path: join(SCREENSHOTS, `campaign-results-${lang}-${width}.png`),
          fullPage: true,
        });
        // Each cell names the waves it comes from, and leads to their results.
        if (lang === 'en' && width === 1280) {
          await table.getByRole('link', { name: 'Ergebnis-Welle' }).first().click();
          await page.getByRole('heading', { level: 1, name: words.title }).waitFor();
        }
        await context.close();
      }
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });

  it('staff see the counts of every group', async () => {
    const { context, page } = await openAs('staff', `waves/${waveId}/results`, 1280, 'en');
    const table = page.getByRole('table', { name: WORDS.en.table });
    await table.waitFor();
    expect(await table.getByRole('cell', { name: WORDS.en.small, exact: true }).count()).toBe(0);
    await context.close();
  });
});
