import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { importSamples } from './waves.js';
import { startTestApp, type TestApp } from './app.js';
import {
  type BrowserTest,
  expectAccessible,
  SCREENSHOTS,
  containing,
  shows,
  signIn,
  startBrowser,
  unexpected,
} from './browser.js';

const LANGUAGES = ['de', 'en'] as const;
const WIDTHS = [1280, 390] as const;
type Language = (typeof LANGUAGES)[number];

/** What a new strategist found wrong on the map, run, matches, segmentations and template screens, as they see it. */
describe('the strategist’s screens, as a new user reads them', () => {
  let t: TestApp;
  let b: BrowserTest;
  let runId: string;
  let otherId: string;
  const as = () => t.as('strategist');
  const api = async (path: string) => (await t.http().get(path).set(as()).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp();
    await importSamples(t, 'regions', 'postcodes', 'geometry', 'contacts');
    const post = (body: object) => t.http().post('/segmentations').set(as()).send(body).expect(201);
    runId = (await post({ k: '3', seed: 1 })).body.id;
    otherId = (await post({ k: '5', seed: 3 })).body.id;
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  /** A strategist signed in, the screen in `language` at `width`. */
  async function open(hash: string, language: Language, width: number) {
    const opened = await b.open(width);
    const { page } = opened;
    await page.getByRole('combobox', { name: /Sprache|Language/ }).selectOption(language);
    await signIn(page, 'strategist');
    await page.waitForSelector('nav');
    await page.goto(`${b.url}/app/${hash}`);
    return opened;
  }

  /** The page's width at the phone's 390 px, and a screenshot of the screen. */
  async function shoot(page: Page, name: string, language: Language, width: number) {
    if (width === 390)
      expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${language}-${width}.png`), fullPage: true });
  }

  /** Every text an SVG chart draws under `selector`, one string per line of text. */
  const chartTexts = (page: Page, selector: string) => page.locator(`${selector} svg text`).allTextContents();

  it('wraps the names on the heatmap’s axes (none cut off) and gives them whole, with units, in a table beside it', async () => {
    const profile = await api(`/segmentations/${runId}/profile`);
    const density = profile.features.find((f: { key: string }) => f.key === 'density_per_km2');
    expect(density.label).toBe('Bevölkerungsdichte (EW je km²)');
    for (const language of LANGUAGES)
      for (const width of WIDTHS) {
        const { context, page } = await open(`#/segmentations/${runId}`, language, width);
        await page.waitForSelector('.heatmap svg text');
        const texts = await chartTexts(page, '.heatmap');
        expect(texts.filter((x) => x.endsWith('…') || x.endsWith('...'))).toEqual([]);
        // Wrapped, the label's words are all drawn, in order, over one or more lines.
        expect(texts.join(' ').replace(/\s+/g, ' ')).toContain('Bevölkerungsdichte (EW je km²)');
        const table = page.locator('table.profile');
        await expect(table.locator('th[scope="row"]').allTextContents()).resolves.toContain(
          'Bevölkerungsdichte (EW je km²)',
        );
        await expect(table.locator('th[scope="row"]').allTextContents()).resolves.toContain(
          'Arbeitslosenquote - insgesamt (%)',
        );
        await page.locator('.as-table summary').click();
        await shows(table, language === 'de' ? /\d,\d+ %/ : /\d\.\d+ %/);
        await expectAccessible(page);
        await shoot(page, 'run-heatmap-labels', language, width);
        await context.close();
      }
  });

  it('compares two runs with one colour per segment and the segments’ names whole', async () => {
    const compared = await api(`/segmentations/${runId}/compare/${otherId}`);
    const run = await api(`/segmentations/${runId}`);
    const other = await api(`/segmentations/${otherId}`);
    const biggest = [...compared.flows].sort((x, y) => y.count - x.count)[0];
    for (const language of LANGUAGES)
      for (const width of WIDTHS) {
        const { context, page } = await open(`#/segmentations/${runId}/compare/${otherId}`, language, width);
        await page.waitForSelector('.sankey svg path');
        await page.waitForSelector('table.moved');
        // Each side's node colours: as many distinct colours as segments on both sides together, minus the pairs.
        // The nodes are the filled paths without the flows' transparency, this run's first.
        const colours = await page
          .locator('.sankey svg path')
          .evaluateAll((paths) =>
            paths
              .filter(
                (p) => !p.getAttribute('fill-opacity') && !['none', null].includes(p.getAttribute('fill')),
              )
              .map((p) => p.getAttribute('fill')),
          );
        const left = colours.slice(0, run.segments.length);
        const right = colours.slice(run.segments.length, run.segments.length + other.segments.length);
        expect(new Set(left).size).toBe(run.segments.length);
        expect(new Set(right).size).toBe(other.segments.length);
        // The segment most members went to keeps the colour of the one they came from.
        expect(right[biggest.to.index]).toBe(left[biggest.from.index]);
        // No colour stands for two segments on either side but that pair's.
        const shared = right.filter((c) => left.includes(c));
        expect(shared.length).toBeLessThanOrEqual(Math.min(left.length, right.length));
        const texts = (await chartTexts(page, '.sankey')).join(' ').replace(/\s+/g, ' ');
        expect(texts).not.toContain('…');
        for (const s of [...run.segments, ...other.segments]) {
          const name = s.name ?? s.label[language];
          for (const word of name.split(/\s+/)) expect(texts).toContain(word.replace(/,$/, ''));
        }
        // The labels sit inside the chart's box.
        const inside = await page.locator('.sankey').evaluate((box) => {
          const outer = box.getBoundingClientRect();
          return [...box.querySelectorAll('svg text')].every((text) => {
            const r = text.getBoundingClientRect();
            return r.width === 0 || (r.left >= outer.left - 1 && r.right <= outer.right + 1);
          });
        });
        expect(inside).toBe(true);
        await expectAccessible(page);
        await shoot(page, 'compare-sankey', language, width);
        await context.close();
      }
  });

  it('names a district’s features with their units and dates in the user’s locale, not their keys', async () => {
    for (const language of LANGUAGES)
      for (const width of WIDTHS) {
        const { context, page } = await open('#/map', language, width);
        await page.waitForSelector('.map svg path');
        await page.getByLabel(/Wahlkreis öffnen|Open a district/).selectOption({ index: 2 });
        const panel = page.locator('section.region');
        await panel.waitFor();
        const text = (await panel.textContent())!;
        expect(text).not.toMatch(/[a-z0-9]+_[a-z0-9_]+/);
        expect(text).toContain('Empfänger/-innen von Leistungen nach SGB II - insgesamt (je 1000 EW)');
        expect(text).toMatch(/\d+([.,]\d+)? je 1000 EW/);
        expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
        expect(text).toContain(language === 'de' ? '31.12.2023' : '31 Dec 2023');
        await expectAccessible(page);
        await shoot(page, 'map-district-units', language, width);
        await context.close();
      }
  });

  it('explains the matches with the threshold’s value in words, feature names with units, dates in the locale', async () => {
    const config = await api('/config');
    const matrix = await api(`/segmentations/${runId}/matches`);
    expect(matrix.minScore).toBe(config.matchMinScore);
    for (const language of LANGUAGES)
      for (const width of WIDTHS) {
        const { context, page } = await open(`#/segmentations/${runId}/matches`, language, width);
        await page.waitForSelector('table.contributions tbody tr');
        const body = (await page.locator('main').textContent())!;
        expect(body).not.toMatch(/MATCH_MIN_SCORE|[A-Z]{3,}_[A-Z_]{3,}|\b(GET|PUT|POST) \//);
        expect(body).not.toMatch(/\b[a-z0-9]+_[a-z0-9_]+\b/);
        const threshold = config.matchMinScore.toLocaleString(language === 'de' ? 'de-DE' : 'en-GB', {
          minimumFractionDigits: 3,
        });
        expect(body).toContain(threshold);
        const features = await page.locator('table.contributions tbody th').allTextContents();
        expect(features.length).toBeGreaterThan(0);
        const waterfall = (await chartTexts(page, '.waterfall')).join(' ');
        expect(waterfall).not.toContain('…');
        await expectAccessible(page);
        await shoot(page, 'matches-words', language, width);
        await context.close();
      }
  });

  it('shows the segmentations’ presets, days and runs in words and the locale', async () => {
    for (const language of LANGUAGES)
      for (const width of WIDTHS) {
        const { context, page } = await open('#/segmentations', language, width);
        await page.waitForSelector('table.features tbody tr');
        // The runs arrive after the form: read the page once they are there.
        await shows(page.locator('main'), containing(language === 'de' ? 'Überblick' : 'Overview'));
        const body = (await page.locator('main').textContent())!;
        expect(body).not.toMatch(/\d{4}-\d{2}-\d{2}/);
        expect(body).not.toMatch(/\b[a-z0-9]+_[a-z0-9_]+\b/);
        expect(body).toContain(language === 'de' ? 'Überblick' : 'Overview');
        expect(body).not.toMatch(/\d{1,2}\/\d{1,2}\/\d{4}, \d{1,2}:\d{2}:\d{2} [AP]M/);
        await expectAccessible(page);
        await shoot(page, 'segmentations-locale', language, width);
        await context.close();
      }
  });

  it('lets a template’s weights be picked by feature name with unit, not by key', async () => {
    for (const language of LANGUAGES)
      for (const width of WIDTHS) {
        const { context, page } = await open('#/templates/housing', language, width);
        const picker = page.locator('.weights select').first();
        await picker.waitFor();
        const options = await picker.locator('option').allTextContents();
        expect(options).toContain('Bevölkerungsdichte (EW je km²)');
        expect(options.filter((o) => /\b[a-z0-9]+_[a-z0-9_]+\b/.test(o))).toEqual([]);
        await expectAccessible(page);
        await shoot(page, 'template-feature-names', language, width);
        await context.close();
      }
  });

  it('keeps every strategist screen within a 390 px phone', async () => {
    for (const hash of [
      '#/map',
      '#/segmentations',
      `#/segmentations/${runId}`,
      `#/segmentations/${runId}/compare/${otherId}`,
      `#/segmentations/${runId}/matches`,
      '#/templates',
      '#/templates/housing',
    ]) {
      const { context, page } = await open(hash, 'de', 390);
      await page.waitForSelector('main h1');
      await page.waitForLoadState('networkidle');
      await expect(page.locator('html').evaluate((html) => html.scrollWidth)).resolves.toBeLessThanOrEqual(
        390,
      );
      await context.close();
    }
  });

  it('draws the matches screen in under a second (median of five loads)', async () => {
    const { context, page } = await open('#/map', 'de', 1280);
    await page.waitForSelector('nav');
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await page.goto('about:blank');
      const start = Date.now();
      await page.goto(`${b.url}/app/#/segmentations/${runId}/matches`);
      await page.waitForSelector('table.ranked tbody tr', { state: 'visible' });
      times.push(Date.now() - start);
    }
    const sorted = times.slice(1).sort((x, y) => x - y);
    expect(sorted[2]).toBeLessThan(1000);
    await context.close();
  });

  it('wrote nothing to the console', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
