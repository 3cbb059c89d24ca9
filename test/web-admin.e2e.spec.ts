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

interface AuditEntry {
  id: string;
  at: string;
  action: string;
  details: Record<string, unknown>;
  staffUser: { id: string; name: string } | null;
}

const NEW_USER = { name: 'Testperson Eins', email: 'eins@example.org', password: 'eins-passwort-lang' };
const KEY_NAME = 'nächtlicher Abgleich';

describe('the admins’ screens in a real browser: accounts, API keys, retention and the audit log', () => {
  let t: TestApp;
  let b: BrowserTest;

  beforeAll(async () => {
    t = await startTestApp({ DISPATCH_IN_API: 'false' });
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  const admin = () => t.as('admin');
  const get = async (path: string) => (await t.http().get(path).set(admin()).expect(200)).body;
  const login = (email: string, password: string) => t.http().post('/auth/login').send({ email, password });
  const noHorizontalScroll = (page: Page) =>
    page.locator('html').evaluate((html) => html.scrollWidth <= html.clientWidth);
  const status = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text }).waitFor();

  /** An admin's browser on one of the admin screens, reached through the navigation. */
  async function openAs(link: string, heading: string, width = 1280) {
    const opened = await b.open(width);
    await signIn(opened.page, 'admin');
    await opened.page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
    await opened.page.getByRole('heading', { level: 1, name: heading }).waitFor();
    return opened;
  }

  it('creates a staff user, changes its role, disables and enables it, and shows a reset password once', async () => {
    const { context, page } = await openAs('Zugänge', 'Zugänge');
    await page.locator('table.users').waitFor();
    const form = page.locator('form[aria-labelledby="create-user"]');
    await form.getByLabel('Name').fill(NEW_USER.name);
    await form.getByLabel('E-Mail').fill(NEW_USER.email);
    await form.getByLabel(/^Passwort/).fill(NEW_USER.password);
    await form.getByLabel('Rolle').selectOption({ label: 'Team' });
    await form.getByRole('button', { name: 'Anlegen' }).click();
    await status(page, `Zugang für ${NEW_USER.name} angelegt.`);
    const row = page.locator('table.users tbody tr', { hasText: NEW_USER.email });
    await expect(row.locator('td').nth(3).innerText()).resolves.toBe('aktiv');
    await login(NEW_USER.email, NEW_USER.password).expect(200);
    const created = ((await get('/staff-users')) as { id: string; email: string; role: string }[]).find(
      (u) => u.email === NEW_USER.email,
    )!;
    expect(created.role).toBe('staff');

    await page.getByRole('combobox', { name: `Rolle von ${NEW_USER.name}` }).selectOption('strategist');
    await page.getByRole('button', { name: `Rolle ändern für ${NEW_USER.name}` }).click();
    await status(page, `${NEW_USER.name} hat jetzt die Rolle Strategie`);
    expect(
      ((await get('/staff-users')) as { id: string; role: string }[]).find((u) => u.id === created.id)!.role,
    ).toBe('strategist');

    await page.getByRole('button', { name: `Deaktivieren für ${NEW_USER.name}` }).click();
    await status(page, `${NEW_USER.name} ist deaktiviert`);
    await expect(row.locator('td').nth(3).innerText()).resolves.toMatch(/^deaktiviert seit /);
    const refused = await login(NEW_USER.email, NEW_USER.password).expect(401);
    expect(refused.body.error).toBe('invalid_credentials');
    // An admin cannot disable themself: the screen offers no such button.
    await expect(
      page.getByRole('button', { name: 'Deaktivieren für admin', exact: true }).count(),
    ).resolves.toBe(0);

    await page.getByRole('button', { name: `Aktivieren für ${NEW_USER.name}` }).click();
    await status(page, `${NEW_USER.name} ist wieder aktiv`);
    await login(NEW_USER.email, NEW_USER.password).expect(200);

    await page.getByRole('button', { name: `Passwort zurücksetzen für ${NEW_USER.name}` }).click();
    const once = page.locator('.once', { hasText: `Neues Passwort für ${NEW_USER.name}` });
    await once.waitFor();
    const password = await once.locator('.secret').innerText();
    expect(password).toHaveLength(24);
    await expect(once.innerText()).resolves.toContain('Nur jetzt sichtbar');
    await login(NEW_USER.email, NEW_USER.password).expect(401);
    await login(NEW_USER.email, password).expect(200);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'users-1280.png'), fullPage: true });
    await once.getByRole('button', { name: 'Ausblenden' }).click();
    await expect(page.content()).resolves.not.toContain(password);
    await page.reload();
    await page.locator('table.users').waitFor();
    await expect(page.content()).resolves.not.toContain(password);
    await context.close();
  });

  it('creates an API key whose secret is shown once, lists it without the secret and revokes it', async () => {
    const { context, page } = await openAs('Zugänge', 'Zugänge');
    const form = page.locator('form[aria-labelledby="create-key"]');
    await form.getByLabel('Name').fill(KEY_NAME);
    await form.getByLabel(/^Gültig für Tage/).fill('30');
    await form.getByRole('button', { name: 'Anlegen' }).click();
    const once = page.locator('.once', { hasText: `Neuer Schlüssel „${KEY_NAME}“` });
    await once.waitFor();
    const secret = await once.locator('.secret').innerText();
    expect(secret).toMatch(/^vs_k_/);
    await expect(once.innerText()).resolves.toContain('er wird nie wieder angezeigt');
    await t
      .http()
      .get('/auth/me')
      .set({ Authorization: `Bearer ${secret}` })
      .expect(200);

    const keys = (await get('/auth/api-keys')) as { id: string; name: string; active: boolean }[];
    const key = keys.find((k) => k.name === KEY_NAME)!;
    expect(key).toMatchObject({ active: true, revokedAt: null, createdBy: { name: 'admin' } });
    expect(JSON.stringify(keys)).not.toContain(secret);
    const row = page.locator('table.keys tbody tr', { hasText: KEY_NAME });
    await expect(row.locator('td').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([KEY_NAME, 'Admin', 'admin', 'ja']),
    );
    await expectAccessible(page);

    await page.reload();
    await page.locator('table.keys').waitFor();
    await expect(page.content()).resolves.not.toContain(secret);
    await page.getByRole('button', { name: `Widerrufen (${KEY_NAME})` }).click();
    await status(page, `Schlüssel „${KEY_NAME}“ widerrufen.`);
    await expect(row.locator('td').nth(7).innerText()).resolves.toBe('nein');
    await expect(row.getByRole('button').count()).resolves.toBe(0);
    const revoked = ((await get('/auth/api-keys')) as { id: string }[]).find((k) => k.id === key.id);
    expect(revoked).toMatchObject({ active: false, revokedAt: expect.any(String) });
    await t
      .http()
      .get('/auth/me')
      .set({ Authorization: `Bearer ${secret}` })
      .expect(401);
    await context.close();

    const narrow = await openAs('Zugänge', 'Zugänge', 390);
    await narrow.page.locator('table.keys').waitFor();
    await expect(noHorizontalScroll(narrow.page)).resolves.toBe(true);
    await expectAccessible(narrow.page);
    await narrow.page.screenshot({ path: join(SCREENSHOTS, 'users-390.png'), fullPage: true });
    await narrow.context.close();
  });

  it('sets, edits and removes retention rules and counts what applying them would erase', async () => {
    const { context, page } = await openAs('Aufbewahrung', 'Aufbewahrung');
    await page.getByText('Noch keine Regeln').waitFor();
    const form = page.locator('section[aria-labelledby="set-rule"] form');
    const setRule = async (source: string, days: string, after: string) => {
      await form.getByLabel(/^Herkunft/).fill(source);
      await form.getByLabel(/^Löschen nach Tagen/).fill(days);
      await form.getByLabel(/^Ab Datum/).fill(after);
      await form.getByRole('button', { name: 'Regel speichern' }).click();
    };
    await setRule('petition-2026', '30', '2026-09-27');
    await status(page, 'Regel für „petition-2026“: 30 Tage.');
    await setRule('infostand-alt', '365', '');
    await status(page, 'Regel für „infostand-alt“: 365 Tage.');
    await expect(page.locator('table.rules tbody tr').count()).resolves.toBe(2);
    await expect(
      page.locator('table.rules tbody tr', { hasText: 'infostand-alt' }).locator('td').nth(2).innerText(),
    ).resolves.toBe('Anlage des Kontakts');

    await page.getByRole('button', { name: 'Bearbeiten (petition-2026)' }).click();
    await expect(form.getByLabel(/^Herkunft/).inputValue()).resolves.toBe('petition-2026');
    await form.getByLabel(/^Löschen nach Tagen/).fill('60');
    await form.getByRole('button', { name: 'Regel speichern' }).click();
    await status(page, 'Regel für „petition-2026“: 60 Tage.');
    await page.getByRole('button', { name: 'Entfernen (infostand-alt)' }).click();
    await status(page, 'Regel für „infostand-alt“ entfernt.');
    expect(await get('/retention-rules')).toEqual([
      expect.objectContaining({ source: 'petition-2026', days: 60, after: '2026-09-27', lastRunAt: null }),
    ]);

    // Nothing of the source is due: the count says so, and there is nothing to confirm.
    await page.getByRole('button', { name: 'Jetzt anwenden' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Jetzt ist bei keinem Kontakt die Frist abgelaufen' })
      .waitFor();
    await expect(page.getByRole('button', { name: /^Ja, .* löschen$/ }).count()).resolves.toBe(0);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'retention-1280.png'), fullPage: true });
    await context.close();

    const narrow = await openAs('Aufbewahrung', 'Aufbewahrung', 390);
    await narrow.page.locator('table.rules').waitFor();
    await expect(noHorizontalScroll(narrow.page)).resolves.toBe(true);
    await expectAccessible(narrow.page);
    await narrow.page.screenshot({ path: join(SCREENSHOTS, 'retention-390.png'), fullPage: true });
    await narrow.context.close();
  });

  it('lists those actions in the audit log with the admin’s name, filtered by action and date, and paged', async () => {
    const { context, page } = await openAs('Protokoll', 'Protokoll');
    const rows = page.locator('table.audit tbody tr');
    const count = page.locator('p.count');
    const pager = page.locator('nav.pager');
    /** The actions of the rows, by their codes (the cells say them in words). */
    const actionsOnScreen = () =>
      rows
        .locator('td:nth-child(3)')
        .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-action') ?? ''));
    const whoOnScreen = () => rows.locator('td:nth-child(2)').allInnerTexts();
    const show = async (action: string) => {
      await page.getByLabel('Aktion', { exact: true }).selectOption(action);
      await page.getByRole('button', { name: 'Anzeigen' }).click();
      await until(async () => (await actionsOnScreen()).every((a) => a.startsWith(action)));
    };
    await rows.first().waitFor();

    await show('staff-user.');
    const staffUser = (await get('/audit?action=staff-user.&perPage=25')) as {
      items: AuditEntry[];
      total: number;
    };
    await expect(actionsOnScreen()).resolves.toEqual(staffUser.items.map((e) => e.action));
    await expect(count.innerText()).resolves.toBe(
      `${staffUser.total} ${staffUser.total === 1 ? 'Eintrag' : 'Einträge'}`,
    );
    await expect(pager.innerText()).resolves.toContain('Seite 1 von 1');
    const byAdmin = staffUser.items.filter((e) => e.staffUser?.name === 'admin').map((e) => e.action);
    expect(byAdmin).toEqual(
      expect.arrayContaining(['staff-user.create', 'staff-user.update', 'staff-user.password']),
    );
    const who = await whoOnScreen();
    staffUser.items.forEach((e, i) => expect(who[i]).toBe(e.staffUser?.name ?? 'Dienst oder Kommandozeile'));
    const [password] = staffUser.items.filter((e) => e.action === 'staff-user.password');
    const passwordRow = rows.nth(staffUser.items.indexOf(password));
    await passwordRow.getByText('JSON', { exact: true }).click();
    await expect(
      passwordRow
        .locator('pre')
        .innerText()
        .then((text) => JSON.parse(text) as unknown),
    ).resolves.toEqual(password.details);

    await show('api-key.');
    await expect(actionsOnScreen()).resolves.toEqual(['api-key.revoke', 'api-key.create']);
    await expect(whoOnScreen()).resolves.toEqual(['admin', 'admin']);
    await expect(rows.nth(1).locator('.summary').innerText()).resolves.toContain(`name: ${KEY_NAME}`);

    await show('retention.');
    const retention = (await get('/audit?action=retention.')) as { items: AuditEntry[] };
    await expect(actionsOnScreen()).resolves.toEqual(retention.items.map((e) => e.action));
    expect(retention.items.map((e) => e.action)).toEqual([
      'retention.delete',
      'retention.put',
      'retention.put',
      'retention.put',
    ]);
    const put = (await rows.last().locator('.summary').innerText()).split(' · ');
    expect(put.sort()).toEqual(['after: 27.09.2026', 'days: 30', 'source: petition-2026']);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-1280.png'), fullPage: true });

    // Who: the new user's own logins only.
    await page.getByLabel('Aktion', { exact: true }).selectOption('');
    await page.getByLabel('Wer').selectOption({ label: `${NEW_USER.name} (${NEW_USER.email})` });
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await until(async () => (await whoOnScreen()).every((name) => name === NEW_USER.name));
    await expect(actionsOnScreen()).resolves.toEqual(['auth.login', 'auth.login', 'auth.login']);

    // A day range from tomorrow on holds nothing yet; today holds everything.
    const day = (offset: number) => {
      const d = new Date();
      d.setDate(d.getDate() + offset);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    await page.getByRole('button', { name: 'Zurücksetzen' }).click();
    await page.getByLabel('Von (Tag)').fill(day(1));
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await page.getByText('Keine Einträge.').waitFor();
    await page.getByLabel('Von (Tag)').fill(day(0));
    await page.getByLabel('Bis (Tag, einschließlich)').fill(day(0));

    // Pages of 10: the second one is the API's second page.
    await page.getByLabel('Pro Seite').selectOption('10');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    const all = (await get('/audit?perPage=10')) as { items: AuditEntry[]; total: number };
    const pages = Math.ceil(all.total / 10);
    expect(pages).toBeGreaterThan(1);
    await until(async () => (await count.innerText()) === `${all.total} Einträge`);
    await until(async () => (await pager.innerText()).includes(`Seite 1 von ${pages}`));
    await expect(actionsOnScreen()).resolves.toEqual(all.items.map((e) => e.action));
    await page.getByRole('button', { name: 'Weiter' }).click();
    await until(async () => (await pager.innerText()).includes(`Seite 2 von ${pages}`));
    const second = (await get('/audit?perPage=10&page=2')) as { items: AuditEntry[] };
    await expect(actionsOnScreen()).resolves.toEqual(second.items.map((e) => e.action));
    await page.getByRole('button', { name: 'Zurück', exact: true }).click();
    await until(async () => (await pager.innerText()).includes(`Seite 1 von ${pages}`));
    await context.close();

    const narrow = await openAs('Protokoll', 'Protokoll', 390);
    await narrow.page.locator('table.audit tbody tr').first().waitFor();
    await expect(noHorizontalScroll(narrow.page)).resolves.toBe(true);
    await expectAccessible(narrow.page);
    await narrow.page.screenshot({ path: join(SCREENSHOTS, 'audit-390.png'), fullPage: true });
    await narrow.context.close();
  });

  it('keeps the admin screens from other roles: not in the navigation, and by address a notice with the API’s 403', async () => {
    const { context, page } = await b.open();
    await signIn(page, 'staff');
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Kontakte', exact: true }).waitFor();
    for (const name of ['Zugänge', 'Aufbewahrung', 'Protokoll'])
      await expect(nav.getByRole('link', { name, exact: true }).count()).resolves.toBe(0);
    await page.goto(`${b.url}/app/#/users`);
    await page.locator('.notice .error').waitFor();
    await expect(page.locator('.notice').innerText()).resolves.toContain('nicht freigegeben');
    await expect(page.locator('.notice .error').innerText()).resolves.toContain('403');
    await expectAccessible(page);
    await page.goto(`${b.url}/app/#/audit`);
    await expect(page.locator('.notice').innerText()).resolves.toContain(
      'Der Bereich „Protokoll“ ist für deine Rolle nicht freigegeben.',
    );
    await page.goto(`${b.url}/app/#/retention`);
    await expect(page.locator('.notice').innerText()).resolves.toContain('„Aufbewahrung“');
    for (const path of ['/audit', '/retention-rules', '/auth/api-keys', '/staff-users'])
      await t.http().get(path).set(t.as('staff')).expect(403);
    await context.close();
  });

  it('wrote nothing to the console but the refused accounts list', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
