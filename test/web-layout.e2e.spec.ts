import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './app.js';
import { SCREENSHOTS, signIn, startBrowser, unexpected, type BrowserTest } from './browser.js';
import { importSamples } from './waves.js';

/** How wide the page is beyond the window, in CSS pixels (0: it fits). */
const overflow = (page: Page) => page.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth);

/** Every screen of the app at a phone's width, in both languages: none is wider than the phone. */
describe('every screen fits a 390 px phone, in German and English', () => {
  let t: TestApp;
  let b: BrowserTest;
  const routes: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ DISPATCH_IN_API: 'false' });
    await importSamples(t, 'regions', 'postcodes', 'geometry', 'contacts');
    const admin = t.as('admin');
    const run = (await t.http().post('/segmentations').set(admin).send({ k: '3', seed: 1 }).expect(201)).body;
    const wave = (
      await t
        .http()
        .post('/waves')
        .set(admin)
        .send({
          name: 'Mieten Nord',
          channel: 'email',
          purpose: 'campaign-news',
          audience: {},
          templateStrategy: 'fixed',
          templateKey: 'housing',
        })
        .expect(201)
    ).body;
    const contact = (await t.http().get('/contacts?perPage=1').set(admin).expect(200)).body.items[0];
    Object.assign(routes, {
      map: 'map',
      segmentations: 'segmentations',
      run: `segmentations/${run.id}`,
      matches: `segmentations/${run.id}/matches`,
      templates: 'templates',
      template: 'templates/housing',
      waves: 'waves',
      'new-wave': 'waves/new',
      wave: `waves/${wave.id}`,
      'wave-edit': `waves/${wave.id}/edit`,
      events: 'events',
      contacts: 'contacts',
      contact: `contacts/${contact.id}`,
      import: 'contacts/import',
      data: 'data',
      users: 'users',
      retention: 'retention',
      audit: 'audit',
      account: 'account',
    });
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  for (const language of ['de', 'en'] as const)
    it(`${language}: no screen is wider than the phone`, async () => {
      const { context, page } = await b.open(390);
      await signIn(page, 'admin');
      await page.waitForSelector('nav');
      if (language === 'en') await page.locator('header select').selectOption('en');
      const tooWide: string[] = [];
      for (const [name, hash] of Object.entries(routes)) {
        await page.goto(`${b.url}/app/#/${hash}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        const beyond = await overflow(page);
        if (beyond > 0) tooWide.push(`${name}: ${beyond} px wider than the phone`);
        await page.screenshot({
          path: join(SCREENSHOTS, `layout-${name}-${language}-390.png`),
          fullPage: true,
        });
      }
      await context.close();
      expect(tooWide).toEqual([]);
    }, 240_000);

  it('wrote nothing to the console', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
