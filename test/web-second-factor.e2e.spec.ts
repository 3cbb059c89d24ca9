import { join } from 'node:path';
import { generate } from 'otplib';
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
} from './browser.js';

/** The code an authenticator app shows now, or `steps` periods of 30 s later (one step either side is accepted). */
const codeOf = (secret: string, steps = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

describe('signing in with a second factor in a real browser (MFA_REQUIRED_ROLES=admin)', () => {
  let t: TestApp;
  let b: BrowserTest;
  /** What the new admin's enrolment showed: the key typed into the "app", and the recovery codes. */
  let secret = '';
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ MFA_REQUIRED_ROLES: 'admin' });
    for (const [name, role] of [
      ['zweiter', 'admin'],
      ['freiwillig', 'staff'],
    ])
      await t
        .http()
        .post('/staff-users')
        .set(t.as('admin'))
        .send({ name, email: `${name}@example.org`, password: `${name}-password-long`, role })
        .expect(201);
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  const alert = (page: Page) => page.getByRole('alert').textContent();
  const signedIn = (page: Page) => page.getByRole('button', { name: 'Abmelden' }).waitFor();

  async function giveCode(page: Page, code: string, label: string | RegExp = /^Code/) {
    await page.getByLabel(label).fill(code);
    await page.getByRole('button', { name: 'Bestätigen' }).click();
  }

  it('leads an admin without a factor through its set-up at sign-in, with nothing in the console', async () => {
    const { context, page } = await b.open();
    await signIn(page, 'zweiter');
    await page.getByRole('heading', { level: 1, name: 'Zweiten Faktor einrichten' }).waitFor();
    const qr = page.getByRole('img', { name: 'QR-Code für die Authenticator-App' });
    await expect(qr.getAttribute('src')).resolves.toMatch(/^data:image\/svg\+xml;base64,/);
    await expect(
      qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).resolves.toBeGreaterThan(0);
    secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expectAccessible(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'second-factor-enrol-1280.png') });

    await giveCode(page, await codeOf(secret), 'Erster Code aus der App');
    await page.getByRole('heading', { level: 1, name: 'Deine Wiederherstellungscodes' }).waitFor();
    recoveryCodes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await page.getByRole('button', { name: 'Weiter' }).click();
    await signedIn(page);
    await shows(page.locator('.who'), containing('zweiter'));
    // Not even the API's 401 before sign-in: the app's first question is GET /auth/session.
    expect(b.consoleErrors).toEqual([]);
    await context.close();

    const users = (await t.http().get('/staff-users').set(t.as('admin')).expect(200)).body as {
      email: string;
      secondFactor: boolean;
    }[];
    expect(users.find((u) => u.email === 'zweiter@example.org')?.secondFactor).toBe(true);
  });

  it('asks for the code at the next sign-in and refuses a wrong one', async () => {
    const { context, page } = await b.open();
    await signIn(page, 'zweiter');
    await page.getByRole('heading', { level: 1, name: 'Bestätigungscode' }).waitFor();
    await expectAccessible(page);
    await giveCode(page, '000000');
    await expect(alert(page)).resolves.toContain('Wrong code');
    await expect(page.getByRole('button', { name: 'Abmelden' }).count()).resolves.toBe(0);
    await giveCode(page, await codeOf(secret, 1));
    await signedIn(page);
    await context.close();
  });

  it('takes a recovery code instead of the app’s code once, and refuses it the second time', async () => {
    const { context, page } = await b.open(390);
    await signIn(page, 'zweiter');
    await giveCode(page, recoveryCodes[0]);
    await signedIn(page);
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await signIn(page, 'zweiter');
    await giveCode(page, recoveryCodes[0]);
    await expect(alert(page)).resolves.toContain('Wrong code');
    await page.screenshot({ path: join(SCREENSHOTS, 'second-factor-code-390.png') });
    await giveCode(page, recoveryCodes[1]);
    await signedIn(page);
    await context.close();
  });

  it('lets a staff user set one up from their own account', async () => {
    const { context, page } = await b.open();
    await signIn(page, 'freiwillig');
    await signedIn(page);
    // Who is signed in opens their own account.
    await page.getByRole('link', { name: 'Angemeldet als freiwillig (staff)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mein Zugang' }).waitFor();
    await shows(page.getByTestId('second-factor-status'), containing('nicht eingerichtet'));
    await page.getByRole('button', { name: 'Zweiten Faktor einrichten' }).click();
    const own = (await page.getByTestId('totp-secret').textContent())!.trim();
    await expectAccessible(page);
    await giveCode(page, await codeOf(own), 'Erster Code aus der App');
    await page.getByTestId('recovery-codes').waitFor();
    await expect(page.getByTestId('recovery-codes').locator('li').count()).resolves.toBe(10);
    await page
      .getByTestId('second-factor-status')
      .filter({ hasText: /eingerichtet seit .*10 Wiederherstellungscodes übrig/ })
      .waitFor();
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await signIn(page, 'freiwillig');
    await page.getByRole('heading', { level: 1, name: 'Bestätigungscode' }).waitFor();
    await giveCode(page, await codeOf(own, 1));
    await signedIn(page);
    await context.close();
  });

  it('lets an admin reset another admin’s factor on the accounts screen, audited; the password alone signs in again', async () => {
    const { context, page } = await b.open();
    await signIn(page, 'zweiter');
    await giveCode(page, recoveryCodes[2]);
    await signedIn(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Zugänge', exact: true }).click();
    const row = page.locator('table.users tr', { hasText: 'freiwillig@example.org' });
    await shows(row.locator('td').nth(4), 'eingerichtet');
    await row.getByRole('button', { name: /Zweiten Faktor zurücksetzen/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Der zweite Faktor von freiwillig ist entfernt' })
      .waitFor();
    await expect(row.getByRole('button', { name: /Zweiten Faktor zurücksetzen/ }).count()).resolves.toBe(0);
    await context.close();

    const audit = (
      await t.http().get('/audit?action=staff-user.second-factor.reset').set(t.as('admin')).expect(200)
    ).body as { items: { staffUser: { name: string } }[] };
    expect(audit.items.map((e) => e.staffUser.name)).toEqual(['zweiter']);
    // A staff role needs no factor: after the reset, the password alone signs in again.
    const again = await t
      .http()
      .post('/auth/login')
      .send({ email: 'freiwillig@example.org', password: 'freiwillig-password-long' })
      .expect(200);
    expect(again.body.token).toMatch(/^vs_s_/);
  });

  it('wrote nothing else to the console (the refused codes’ 401 aside)', () => {
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });
});
