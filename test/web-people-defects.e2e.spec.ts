import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { searchConditions } from '../src/contacts/contact-search.js';
import { importSamples } from './waves.js';
import { startTestApp, type TestApp } from './app.js';
import { expectAccessible, SCREENSHOTS, signIn, startBrowser, until, type BrowserTest } from './browser.js';
import { runImport, tempFile } from './imports.js';

const WIDTHS = [1280, 390] as const;
const LANGS = ['de', 'en'] as const;
type Lang = (typeof LANGS)[number];

/** Made-up people whose names a keyboard without accents does not type. */
const PEOPLE = [
  'external_id,first_name,last_name,email,postal_code',
  'A-1,Erika,Weiß,erika.weiss@example.org,10115',
  'A-2,Jürgen,Müller,juergen.mueller@example.org,10117',
  'A-3,José,Álvarez,jose.alvarez@example.org,10119',
  'A-4,Paul,Muster,paul.muster@example.org,10178',
].join('\n');

const overdue = (from: number, count: number) =>
  [
    'external_id,first_name,email',
    ...Array.from({ length: count }, (_, i) => `R-${from + i},Alt${from + i},alt${from + i}@example.org`),
  ].join('\n');

const ANNA = { name: 'Anna Schmidt', email: 'anna.schmidt@example.org', password: 'anna-passwort-lang' };
const WAVE = 'Mieten Nord';
const ISO_DAY = /\d{4}-\d{2}-\d{2}/;

describe('what a new user hit on the contacts, data and admin screens, in a real browser', () => {
  let t: TestApp;
  let b: BrowserTest;

  beforeAll(async () => {
    t = await startTestApp({ DISPATCH_IN_API: 'false' });
    await importSamples(t, 'regions', 'postcodes');
    expect((await runImport(t.db.dataSource, 'contacts', await tempFile(PEOPLE))).rejected).toBe(0);
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  const as = (role: 'admin' | 'staff') => t.as(role);
  const get = async (path: string, role: 'admin' | 'staff' = 'admin') =>
    (await t.http().get(path).set(as(role)).expect(200)).body;
  const pageWidth = (page: Page) => page.locator('html').evaluate((html) => html.scrollWidth);
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  /** A browser in a language, signed in as a role, on a screen of the app (`contacts`, `audit`, …). */
  async function openAs(role: string, screen: string, width = 1280, lang: Lang = 'de') {
    const opened = await b.open(width);
    await opened.page.goto(`${b.url}/app/#/${screen}`);
    await opened.page.locator('header label.language select').selectOption(lang);
    await signIn(opened.page, role);
    await opened.page.getByRole('navigation', { name: 'main' }).waitFor();
    await opened.page.getByRole('heading', { level: 1 }).first().waitFor();
    return opened;
  }

  describe('1. search folds accents and ß', () => {
    const names = async (q: string) =>
      ((await get(`/contacts?q=${encodeURIComponent(q)}`, 'staff')).items as { lastName: string }[]).map(
        (c) => c.lastName,
      );

    it('finds Weiß by “Weiss”, Müller by “muller”, Álvarez by “Jose” and by “alvarez”, and not the others', async () => {
      await expect(names('Weiss')).resolves.toEqual(['Weiß']);
      await expect(names('weiß')).resolves.toEqual(['Weiß']);
      await expect(names('muller')).resolves.toEqual(['Müller']);
      await expect(names('MÜLLER')).resolves.toEqual(['Müller']);
      await expect(names('Jose')).resolves.toEqual(['Álvarez']);
      await expect(names('alvarez jose')).resolves.toEqual(['Álvarez']);
      await expect(names('Mus')).resolves.toEqual(['Muster']);
    });

    it('reads the folded names and emails through their indexes, not the whole table', async () => {
      for (const q of ['Weiss', 'jose.al']) {
        const params: unknown[] = [];
        const where = searchConditions(q, 'DE', params).join(' AND ');
        const plan = await t.db.dataSource.transaction(async (m) => {
          await m.query(`SET LOCAL enable_seqscan = off`);
          const rows: { 'QUERY PLAN': string }[] = await m.query(
            `EXPLAIN SELECT c.id FROM contacts c WHERE ${where}`,
            params,
          );
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        });
        expect(plan).toContain('IDX_contacts_name_search');
        expect(plan).toContain('IDX_contacts_email_prefix');
      }
    });

    it('shows Weiß for “weiss” on the contacts screen, in German and English, wide and narrow', async () => {
      for (const lang of LANGS)
        for (const width of WIDTHS) {
          const { context, page } = await openAs('staff', 'contacts', width, lang);
          await page.getByRole('searchbox').fill('weiss');
          await page.getByRole('button', { name: lang === 'de' ? 'Suchen' : 'Search' }).click();
          const rows = page.locator('table.contacts tbody tr');
          await until(async () => (await rows.count()) === 1 && (await rows.innerText()).includes('Weiß'));
          await expect(pageWidth(page)).resolves.toBeLessThanOrEqual(width);
          await expectAccessible(page);
          await shot(page, `contacts-search-folded-${lang}-${width}`);
          await context.close();
        }
    });
  });

  describe('2. no page wider than a 390 px phone', () => {
    it('keeps every screen of contacts, data and administration within 390 px, wide tables scrolling inside', async () => {
      const contact = ((await get('/contacts?q=Weiss', 'staff')).items as { id: string }[])[0];
      await t
        .http()
        .put('/retention-rules/petition-2020')
        .set(as('admin'))
        .send({ days: 30, after: '2020-01-01' })
        .expect(200);
      const screens = [
        'contacts',
        `contacts/${contact.id}`,
        'contacts/import',
        'data',
        'users',
        'retention',
        'audit',
        'account',
      ];
      const tooWide: string[] = [];
      for (const lang of LANGS) {
        const { context, page } = await openAs('admin', 'data', 390, lang);
        for (const screen of screens) {
          await page.goto(`${b.url}/app/#/${screen}`);
          await page.getByRole('heading', { level: 1 }).first().waitFor();
          await page.waitForLoadState('networkidle');
          const width = await pageWidth(page);
          if (width > 390) tooWide.push(`${lang} ${screen}: ${width} px`);
        }
        await page.goto(`${b.url}/app/#/data`);
        await page.locator('table').first().waitFor();
        await shot(page, `data-width-${lang}-390`);
        await context.close();
        const wide = await openAs('admin', 'data', 1280, lang);
        await wide.page.locator('table').first().waitFor();
        await shot(wide.page, `data-width-${lang}-1280`);
        await wide.context.close();
      }
      const signInPage = await b.open(390);
      await signInPage.page.goto(`${b.url}/app/`);
      await signInPage.page.getByLabel(/Passwort|Password/).waitFor();
      expect(await pageWidth(signInPage.page)).toBeLessThanOrEqual(390);
      await signInPage.context.close();
      expect(tooWide).toEqual([]);
    });
  });

  describe('3. the audit log in words', () => {
    beforeAll(async () => {
      await t
        .http()
        .post('/staff-users')
        .set(as('admin'))
        .send({ ...ANNA, role: 'staff' })
        .expect(201);
      const { token } = (
        await t.http().post('/auth/login').send({ email: ANNA.email, password: ANNA.password }).expect(200)
      ).body as { token: string };
      await t
        .http()
        .post('/waves')
        .set({ Authorization: `Bearer ${token}` })
        .send({
          name: WAVE,
          channel: 'sms',
          purpose: 'campaign-news',
          audience: {},
          templateStrategy: 'fixed',
          templateKey: 'peace',
        })
        .expect(201);
      const contact = ((await get('/contacts?q=Weiss', 'staff')).items as { id: string }[])[0];
      await t
        .http()
        .post(`/contacts/${contact.id}/consent`)
        .set(as('admin'))
        .send({
          channel: 'email',
          purposes: ['campaign-news'],
          action: 'withdrawn',
          evidence: 'Anruf beim Büro',
        })
        .expect(201);
    });

    it('the API names what each entry is about in one go: the wave by its name, a contact by none', async () => {
      const { items } = (await get('/audit?perPage=100')) as {
        items: { action: string; entityType: string; entityName: { de: string; en: string } | null }[];
      };
      expect(items.find((e) => e.action === 'wave.create')?.entityName).toEqual({ de: WAVE, en: WAVE });
      expect(items.find((e) => e.action === 'staff-user.create')?.entityName).toEqual({
        de: ANNA.name,
        en: ANNA.name,
      });
      expect(items.find((e) => e.action === 'consent.record')).toMatchObject({
        entityType: 'contact',
        entityName: null,
      });
    });

    it('names who did what to which thing in words, keeps the raw details as JSON, and names no contact', async () => {
      const words = {
        de: {
          created: 'Welle angelegt',
          wave: `Welle „${WAVE}“`,
          consent: 'Einwilligung erfasst',
          contact: 'ein Kontakt',
          user: `Zugang „${ANNA.name}“`,
          userCreated: 'Zugang angelegt',
        },
        en: {
          created: 'Wave created',
          wave: `Wave “${WAVE}”`,
          consent: 'Consent recorded',
          contact: 'a contact',
          user: `Account “${ANNA.name}”`,
          userCreated: 'Account created',
        },
      };
      for (const lang of LANGS)
        for (const width of WIDTHS) {
          const { context, page } = await openAs('admin', 'audit', width, lang);
          const rows = page.locator('table.audit tbody tr');
          await rows.first().waitFor();
          const w = words[lang];
          const waveRow = rows.filter({ hasText: w.created });
          await expect(waveRow.locator('td').nth(1).innerText()).resolves.toBe(ANNA.name);
          await expect(waveRow.locator('td').nth(3).innerText()).resolves.toBe(w.wave);
          const consentRow = rows.filter({ hasText: w.consent });
          await expect(consentRow.locator('td').nth(3).innerText()).resolves.toBe(w.contact);
          const created = rows.filter({ hasText: w.user }).filter({ hasText: w.userCreated });
          await expect(created.locator('td').nth(1).innerText()).resolves.toBe('admin');
          const table = await page.locator('table.audit').innerText();
          expect(table).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
          expect(table).not.toMatch(/\b(wave|consent|staff-user)\.[a-z]/);
          expect(table).not.toContain('Weiß');
          expect(table).not.toMatch(ISO_DAY);
          await expect(page.locator('table.audit tbody td:first-child').first().innerText()).resolves.toMatch(
            lang === 'de'
              ? /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}$/
              : /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2}$/,
          );
          // The filter offers the actions in words too.
          await page
            .getByLabel(lang === 'de' ? 'Aktion' : 'Action', { exact: true })
            .selectOption({ label: w.created });
          await page.getByRole('button', { name: lang === 'de' ? 'Anzeigen' : 'Show' }).click();
          await until(async () => (await rows.count()) === 1);
          await rows.first().getByText('JSON', { exact: true }).click();
          await expect(rows.first().locator('pre').innerText()).resolves.toContain(`"name": "${WAVE}"`);
          await expect(pageWidth(page)).resolves.toBeLessThanOrEqual(width);
          await expectAccessible(page);
          await shot(page, `audit-words-${lang}-${width}`);
          await context.close();
        }
    });
  });

  describe('4. retention says how many it would erase', () => {
    const source = 'petition-2020';
    const importOverdue = async (from: number, count: number) =>
      expect(
        (await runImport(t.db.dataSource, 'contacts', await tempFile(overdue(from, count)), { source }))
          .inserted,
      ).toBe(count);
    const left = async () =>
      (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM contacts WHERE source = $1`, [source]))[0]
        .n as number;

    beforeAll(async () => {
      await t
        .http()
        .put(`/retention-rules/${source}`)
        .set(as('admin'))
        .send({ days: 30, after: '2020-01-01' })
        .expect(200);
      await importOverdue(1, 2);
    });

    it('counts with the rule that erases, and erases nothing when more are due than the count sent', async () => {
      await expect(get('/retention-rules/due')).resolves.toEqual([{ source, due: 2 }]);
      await t.http().post('/retention-rules/apply').set(as('admin')).send({ expected: 1 }).expect(409);
      await t.http().post('/retention-rules/apply').set(as('admin')).send({}).expect(422);
      expect(await left()).toBe(2);
      expect((await get('/contacts?q=Weiss', 'staff')).total).toBe(1);
    });

    it('shows the number before erasing, asks with it, and refuses when more became due meanwhile', async () => {
      const said = {
        de: {
          apply: 'Jetzt anwenden',
          due: 'Jetzt würden 2 Kontakte gelöscht.',
          confirm: 'Ja, 2 löschen',
          cancel: 'Abbrechen',
        },
        en: {
          apply: 'Apply now',
          due: '2 contacts would be erased now.',
          confirm: 'Yes, erase 2',
          cancel: 'Cancel',
        },
      };
      for (const lang of LANGS)
        for (const width of WIDTHS) {
          const { context, page } = await openAs('admin', 'retention', width, lang);
          await page.getByRole('button', { name: said[lang].apply }).click();
          await page.getByRole('status').filter({ hasText: said[lang].due }).waitFor();
          await page.getByRole('button', { name: said[lang].confirm }).waitFor();
          await expect(pageWidth(page)).resolves.toBeLessThanOrEqual(width);
          await expectAccessible(page);
          await shot(page, `retention-count-${lang}-${width}`);
          await context.close();
        }

      const { context, page } = await openAs('admin', 'retention', 1280, 'de');
      await page.getByRole('button', { name: 'Jetzt anwenden' }).click();
      await page.getByRole('button', { name: 'Ja, 2 löschen' }).waitFor();
      await importOverdue(3, 1);
      await page.getByRole('button', { name: 'Ja, 2 löschen' }).click();
      await page.getByRole('alert').filter({ hasText: 'nichts wurde gelöscht' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Jetzt würden 3 Kontakte gelöscht.' }).waitFor();
      expect(await left()).toBe(3);
      await shot(page, 'retention-grew-de-1280');
      await page.getByRole('button', { name: 'Ja, 3 löschen' }).click();
      await page.locator('table.applied').waitFor();
      await expect(page.locator('table.applied tbody td').allInnerTexts()).resolves.toEqual([source, '3']);
      expect(await left()).toBe(0);
      expect((await get('/contacts?q=Weiss', 'staff')).total).toBe(1);
      await context.close();
    });
  });

  describe('5. signing in', () => {
    it('leaves the browser console empty, before and after signing in, on every screen of these', async () => {
      const during = expect.getState().currentTestName!;
      const failed: string[] = [];
      for (const role of ['admin', 'staff']) {
        const { context, page } = await b.open(1280);
        page.on('response', (r) => {
          if (r.status() >= 400) failed.push(`${r.status()} ${r.request().method()} ${r.url()}`);
        });
        // Signed in on a screen of these: the map, the default, asks for boundaries a new set may not have yet.
        await page.goto(`${b.url}/app/#/contacts`);
        await page.getByLabel(/Passwort|Password/).waitFor();
        await signIn(page, role);
        await page.getByRole('navigation', { name: 'main' }).waitFor();
        for (const screen of role === 'admin'
          ? ['contacts', 'data', 'users', 'retention', 'audit', 'account']
          : ['contacts', 'data', 'account']) {
          await page.goto(`${b.url}/app/#/${screen}`);
          await page.getByRole('heading', { level: 1 }).first().waitFor();
          await page.waitForLoadState('networkidle');
        }
        await context.close();
      }
      expect(failed).toEqual([]);
      expect(b.consoleErrors.filter((e) => e.startsWith(during))).toEqual([]);
    });
  });

  describe('6. dates and numbers in the user’s locale', () => {
    it('shows no ISO date on the data, retention and audit screens, in German and English', async () => {
      for (const lang of LANGS) {
        const { context, page } = await openAs('admin', 'data', 390, lang);
        for (const screen of ['data', 'retention', 'audit']) {
          await page.goto(`${b.url}/app/#/${screen}`);
          await page.locator('table').first().waitFor();
          await page.waitForLoadState('networkidle');
          expect(`${screen}: ${await page.locator('main').innerText()}`).not.toMatch(ISO_DAY);
        }
        await page.goto(`${b.url}/app/#/retention`);
        await page.locator('table.rules').waitFor();
        await expect(page.locator('table.rules tbody td').nth(2).innerText()).resolves.toBe(
          lang === 'de' ? '01.01.2020' : '1 Jan 2020',
        );
        // The rule's day in the form is written as the locale writes it, not as the browser's own date field would.
        const edit = lang === 'de' ? 'Bearbeiten (petition-2020)' : 'Edit (petition-2020)';
        await page.getByRole('button', { name: edit }).click();
        await expect(page.getByLabel(lang === 'de' ? /^Ab Datum/ : /^From date/).inputValue()).resolves.toBe(
          lang === 'de' ? '01.01.2020' : '01/01/2020',
        );
        await shot(page, `dates-retention-${lang}-390`);
        await context.close();
      }
    });
  });
});
