import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { importSamples } from './waves.js';
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

const SEGMENT_COLOURS = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#f0e442',
  '#332288',
];

describe('the web app in a real browser', () => {
  let t: TestApp;
  let b: BrowserTest;
  let url: string;
  const open = (width?: number) => b.open(width);

  beforeAll(async () => {
    t = await startTestApp();
    await importSamples(t, 'regions', 'postcodes', 'geometry', 'contacts');
    await t.http().post('/segmentations').set(t.as('strategist')).send({ k: '4', seed: 42 }).expect(201);
    b = await startBrowser(t);
    url = b.url;
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  /** The districts drawn on the map, by their fill colour. */
  const drawnFills = (page: Page) =>
    page.$$eval('.map svg path', (paths) => paths.map((p) => (p.getAttribute('fill') ?? '').toLowerCase()));

  it('says so when the password is wrong', async () => {
    const { context, page } = await open();
    await signIn(page, 'strategist', 'not-the-password');
    await shows(page.getByRole('alert'), containing('Wrong email or password'));
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-1280.png') });
    await context.close();
  });

  it.each([1280, 390])(
    'signs in and shows every district of the country coloured by segment (%d px)',
    async (width) => {
      const { context, page } = await open(width);
      await signIn(page, 'strategist');
      await until(
        async () => (await drawnFills(page)).filter((fill) => SEGMENT_COLOURS.includes(fill)).length >= 24,
      );
      const coloured = (await drawnFills(page)).filter((fill) => SEGMENT_COLOURS.includes(fill));
      expect(coloured).toHaveLength(24);
      await expect(page.locator('.legend li').count()).resolves.toBe(4);
      await expectAccessible(page);
      await page.screenshot({ path: join(SCREENSHOTS, `map-segments-${width}.png`), fullPage: true });
      await context.close();
    },
  );

  it('colours by a feature with its unit and day in the legend, and opens a district with its values', async () => {
    const { context, page } = await open();
    await signIn(page, 'strategist');
    await page.waitForSelector('.legend li');
    const colourBy = page.getByLabel(/Einfärben nach|Colour by/);
    const option = await colourBy
      .locator('option', { hasText: 'Bevölkerungsdichte' })
      .first()
      .getAttribute('value');
    await colourBy.selectOption(option);
    await shows(page.locator('.legend .unit'), /EW je km² · Stand \d{2}\.\d{2}\.\d{4}/);
    await page.locator('.map svg path[fill^="rgb"]').first().click({ force: true });
    const panel = page.locator('.region');
    await panel.waitFor();
    await shows(panel.locator('h2'), /\S+ \(\d+\)/);
    await expect(panel.locator('tr').count()).resolves.toBeGreaterThan(5);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'map-feature-1280.png'), fullPage: true });
    await context.close();
  });

  it('opens a district from the keyboard too', async () => {
    const { context, page } = await open();
    await signIn(page, 'strategist');
    await page.waitForSelector('.legend li');
    const districts = page.getByLabel(/Wahlkreis öffnen|Open a district/);
    await districts.focus();
    const second = await districts.locator('option').nth(2).textContent();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await districts.selectOption({ index: 2 });
    await shows(page.locator('.region h2'), containing(second!));
    await context.close();
  });

  it('shows the data that is loaded', async () => {
    const { context, page } = await open(390);
    await signIn(page, 'staff');
    await page.waitForSelector('.legend li');
    await page.getByRole('link', { name: /Daten|Data/ }).click();
    await shows(page.locator('section[aria-labelledby="sets"] td').first(), 'constituency/2026');
    // The import history lists the four imports of the samples, newest first, as GET /imports has them.
    const history = page.locator('section[aria-labelledby="imports"] tbody tr');
    await history.first().waitFor();
    const files = await history.evaluateAll((rows) => rows.map((r) => r.querySelector('td')?.textContent));
    const jobs = await t.http().get('/imports').set(t.as('staff')).expect(200);
    expect(files).toEqual(jobs.body.items.map((j: { fileName: string }) => j.fileName));
    expect([...files].sort()).toEqual(['contacts.csv', 'geometry.geojson', 'postcodes.csv', 'regions.csv']);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'data-390.png'), fullPage: true });
    await context.close();
  });

  it('tells a strategist that the accounts screen is not for their role, with the API’s 403', async () => {
    const { context, page } = await open();
    await signIn(page, 'strategist');
    await page.waitForSelector('.legend li');
    await expect(page.getByRole('link', { name: /Zugänge|Accounts/ }).count()).resolves.toBe(0);
    await page.goto(`${url}/app/#/users`);
    await shows(page.locator('.notice'), containing('nicht freigegeben'));
    await shows(page.locator('.notice .error'), containing('403'));
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'forbidden-1280.png') });
    await context.close();
  });

  it('wrote nothing to the console', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
