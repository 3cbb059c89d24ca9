import type { ParsedMail } from 'mailparser';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ConsentService } from '../src/consent/consent.service.js';
import { LinkService } from '../src/links/link.service.js';
import { startTestApp, type TestApp } from './app.js';
import {
  expectAccessible,
  SCREENSHOTS,
  signIn,
  startBrowser,
  unexpected,
  type BrowserTest,
} from './browser.js';
import { startFakeTwilio, twilioEnv, twilioWebhook, type FakeTwilio } from './fake-twilio.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { isCampaign, ledgerId, loadWaveData, PUBLIC, waitFor } from './waves.js';

const N = 40;

interface OptOutRow {
  wave_id: string;
  message_id: string | null;
  segment_id: string | null;
  template_key: string | null;
  template_version: number | null;
  language: string | null;
  channel: string;
  via: string;
}
interface LedgerRow {
  id: string;
  contact_id: string;
  segment_id: string | null;
  template_key: string;
  template_version: number;
  language: string;
  email: string;
  phone: string;
}

describe('opt-outs attributable to a wave, and on the contact’s timeline', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let sms: FakeTwilio;
  let b: BrowserTest;
  let runId: string;
  let segmentIds: string[];
  let emailWave: { id: string; name: string };
  let emailLedger: LedgerRow[];
  let mails: ParsedMail[];

  beforeAll(async () => {
    smtp = await startSmtp();
    sms = await startFakeTwilio();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      ...twilioEnv(sms),
      EMAIL_PER_SECOND: '0',
      SMS_PER_SECOND: '40',
      QUIET_HOURS_SMS: 'off',
      FREQUENCY_CAP: 'off',
    });
    await loadWaveData(t, N);
    const run = (
      await t.http().post('/segmentations').set(t.as('strategist')).send({ k: '3', seed: 1 }).expect(201)
    ).body;
    runId = run.id;
    segmentIds = run.segments.map((s: { id: string }) => s.id);
    const matrix = (await t.http().get(`/segmentations/${runId}/matches`).set(t.as('strategist')).expect(200))
      .body;
    for (const s of matrix.segments)
      await t
        .http()
        .put(`/segmentations/${runId}/matches/${s.segmentId}`)
        .set(t.as('strategist'))
        .send({ templateKey: s.proposed ?? s.ranked[0].template })
        .expect(200);
    emailWave = await sendWave({
      name: 'Herbst Mieten',
      channel: 'email',
      audience: { runId, segmentIds },
      templateStrategy: 'approved',
    });
    emailLedger = await ledger(emailWave.id);
    mails = smtp.messages
      .filter(isCampaign)
      .filter((m) => emailLedger.some((r) => r.id === ledgerId(m)))
      .sort((x, y) => ledgerId(x)!.localeCompare(ledgerId(y)!));
    b = await startBrowser(t);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
    await smtp?.close();
    await sms?.close();
  });

  /** Creates a wave as staff, launches it and waits until it is completed. */
  async function sendWave(body: object): Promise<{ id: string; name: string }> {
    const wave = (
      await t
        .http()
        .post('/waves')
        .set(t.as('staff'))
        .send({ purpose: 'campaign-news', ...body })
        .expect(201)
    ).body as { id: string; name: string };
    await t.http().post(`/waves/${wave.id}/launch`).set(t.as('staff')).expect(200);
    await waitFor(
      async () => (await t.http().get(`/waves/${wave.id}`).set(t.as('staff')).expect(200)).body,
      (w: { status: string }) => w.status === 'completed',
    );
    return wave;
  }
  const ledger = (waveId: string) =>
    t.db.dataSource.query<LedgerRow[]>(
      `SELECT m.id, m.contact_id, m.segment_id, m.template_key, m.template_version, m.language, c.email, c.phone
       FROM messages m JOIN contacts c ON c.id = m.contact_id
       WHERE m.wave_id = $1 AND m.status IN ('sent', 'delivered')`,
      [waveId],
    );
  const optOuts = (waveId: string) =>
    t.db.dataSource.query<OptOutRow[]>(
      `SELECT wave_id, message_id, segment_id, template_key, template_version, language, channel, via
       FROM wave_opt_outs WHERE wave_id = $1 ORDER BY id`,
      [waveId],
    );
  /** What the row must say of its message: wave, segment, template, version, language and channel. */
  const groupOf = (row: LedgerRow, waveId: string, channel: string, via: string) => ({
    wave_id: waveId,
    message_id: row.id,
    segment_id: row.segment_id,
    template_key: row.template_key,
    template_version: row.template_version,
    language: row.language,
    channel,
    via,
  });
  const rowOf = (mail: ParsedMail) => emailLedger.find((r) => r.id === ledgerId(mail))!;
  const path = (url: string) => url.replace(PUBLIC, '');
  /** The opt-out link as the mail's text shows it to the reader. */
  const linkInText = (mail: ParsedMail) => new RegExp(`${PUBLIC}/unsubscribe/[\\w.-]+`).exec(mail.text!)![0];
  const linkInHeader = (mail: ParsedMail) =>
    /<(https:[^>]+)>/.exec(mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line)![1];
  const maySend = (contactId: string, channel: 'email' | 'sms') =>
    t.app.get(ConsentService).maySend(contactId, channel, 'campaign-news');

  it('counts an unsubscribe through a received mail’s link and a one-click POST from another for the wave, once each', async () => {
    expect(mails.length).toBeGreaterThanOrEqual(4);
    expect(new Set(emailLedger.map((r) => r.segment_id)).size).toBeGreaterThan(1);
    const [viaPage, viaOneClick] = mails;

    // The reader opens the link in the text, sees the page and presses its button (a form without a body).
    const link = path(linkInText(viaPage));
    expect(link).toBe(path(linkInHeader(viaPage)));
    await t.http().get(link).expect(200);
    await t.http().post(link).type('form').send('').expect(200);
    await t
      .http()
      .post(path(linkInHeader(viaOneClick)))
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);

    expect(await optOuts(emailWave.id)).toEqual([
      groupOf(rowOf(viaPage), emailWave.id, 'email', 'link'),
      groupOf(rowOf(viaOneClick), emailWave.id, 'email', 'one-click'),
    ]);
    for (const mail of [viaPage, viaOneClick])
      expect(await maySend(rowOf(mail).contact_id, 'email')).toEqual({ allowed: false, reason: 'withdrawn' });
  });

  it('counts the same mail once, even after the person subscribed again and used its link a second time', async () => {
    const [viaPage] = mails;
    const link = path(linkInText(viaPage));
    await t.http().post(link).type('form').send('').expect(200);
    const contactId = rowOf(viaPage).contact_id;
    await t
      .http()
      .post(`/contacts/${contactId}/consent`)
      .set(t.as('admin'))
      .send({ channel: 'email', purposes: ['campaign-news'], action: 'confirmed', evidence: 'paper form' })
      .expect(201);
    await t.http().post(link).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(await maySend(contactId, 'email')).toEqual({ allowed: false, reason: 'withdrawn' });
    expect((await optOuts(emailWave.id)).filter((o) => o.message_id === rowOf(viaPage).id)).toHaveLength(1);
    expect(await optOuts(emailWave.id)).toHaveLength(2);
  });

  it('an old link without the message withdraws the consent and counts for no wave', async () => {
    const row = rowOf(mails[2]);
    const old = t.app.get(LinkService).url('unsubscribe', {
      contactId: row.contact_id,
      channel: 'email',
      purpose: 'campaign-news',
    });
    expect(old.length).toBeLessThan(linkInHeader(mails[2]).length);
    await t.http().post(path(old)).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(await maySend(row.contact_id, 'email')).toEqual({ allowed: false, reason: 'withdrawn' });
    expect(await optOuts(emailWave.id)).toHaveLength(2);
    expect(await t.db.dataSource.query(`SELECT count(*)::int AS n FROM wave_opt_outs`)).toEqual([{ n: 2 }]);
  });

  it('an altered link withdraws nothing and counts nothing', async () => {
    const row = rowOf(mails[3]);
    const [payload, signature] = linkInHeader(mails[3]).split('/unsubscribe/')[1].split('.');
    const fields = Buffer.from(payload, 'base64url').toString().split('|');
    fields[6] = emailLedger.find((r) => r.id !== row.id)!.id;
    const altered = `${Buffer.from(fields.join('|')).toString('base64url')}.${signature}`;
    await t
      .http()
      .post(`/unsubscribe/${altered}`)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(400);
    expect(await maySend(row.contact_id, 'email')).toEqual({ allowed: true });
    expect(await optOuts(emailWave.id)).toHaveLength(2);
  });

  it('counts an SMS STOP for the wave whose message came within 72 hours, once; a later STOP counts for none', async () => {
    const before = sms.sent.length;
    const wave = await sendWave({
      name: 'SMS Nahverkehr',
      channel: 'sms',
      audience: { runId, segmentIds },
      templateStrategy: 'fixed',
      templateKey: 'transit',
    });
    expect(sms.sent.length - before).toBeGreaterThanOrEqual(2);
    // People other than those of the mails above, so that each timeline shows one opt-out.
    const others = (await ledger(wave.id)).filter(
      (r) => !mails.slice(0, 4).some((m) => rowOf(m).contact_id === r.contact_id),
    );
    const [recent, old] = others;
    const inbound = (from: string) =>
      twilioWebhook(t, sms, '/webhooks/twilio/inbound', {
        From: from,
        Body: 'Stop',
        MessageSid: 'SM-in',
      }).expect(200);

    await inbound(recent.phone);
    await inbound(recent.phone);
    expect(await maySend(recent.contact_id, 'sms')).toEqual({ allowed: false, reason: 'withdrawn' });
    expect(await optOuts(wave.id)).toEqual([groupOf(recent, wave.id, 'sms', 'stop')]);

    await t.db.dataSource.query(
      `UPDATE messages SET handed_over_at = now() - interval '73 hours' WHERE id = $1`,
      [old.id],
    );
    await inbound(old.phone);
    expect(await maySend(old.contact_id, 'sms')).toEqual({ allowed: false, reason: 'withdrawn' });
    expect(await optOuts(wave.id)).toHaveLength(1);
  });

  it('shows the opt-out on the contact’s timeline, in words, to the roles that may read contacts', async () => {
    const contactId = rowOf(mails[1]).contact_id;
    const detail = (await t.http().get(`/contacts/${contactId}`).set(t.as('staff')).expect(200)).body;
    expect(detail.optOuts).toEqual([
      {
        id: expect.any(String),
        occurredAt: expect.any(String),
        wave: { id: emailWave.id, name: emailWave.name },
        channel: 'email',
        purpose: 'campaign-news',
        via: 'one-click',
      },
    ]);
    expect(detail.complaints).toEqual([]);
    await t.http().get(`/contacts/${contactId}`).set(t.as('strategist')).expect(403);

    // A provider's late report that the person marked the mail as spam, recorded as reports are.
    await t.db.dataSource.query(
      `INSERT INTO message_events (message_id, channel, provider_id, reported, applied, wave_id)
       VALUES ($1, 'email', 'provider-1', 'Complaint', false, $2)`,
      [rowOf(mails[1]).id, emailWave.id],
    );
    const after = (await t.http().get(`/contacts/${contactId}`).set(t.as('admin')).expect(200)).body;
    expect(after.complaints).toEqual([
      {
        id: expect.any(String),
        receivedAt: expect.any(String),
        wave: { id: emailWave.id, name: emailWave.name },
        channel: 'email',
        purpose: 'campaign-news',
        reported: 'Complaint',
      },
    ]);
    const exported = (await t.http().get(`/contacts/${contactId}/export`).set(t.as('admin')).expect(200))
      .body;
    expect(exported.optOuts).toEqual(after.optOuts);
    expect(exported.complaints).toEqual(after.complaints);
    const complaint = {
      de: /E-Mail, campaign-news: als Spam gemeldet \(laut Bericht des Anbieters\) · Nachricht der Welle Herbst Mieten/,
      en: /Email, campaign-news: marked as spam \(as the provider reported\) · message of the wave Herbst Mieten/,
    };

    const expected = {
      de: /E-Mail, campaign-news: abgemeldet per Ein-Klick-Abmeldung im E-Mail-Programm · zählt für die Welle Herbst Mieten/,
      en: /Email, campaign-news: opted out with the one-click unsubscribe of the mail program · counted for the wave Herbst Mieten/,
    };
    for (const language of ['de', 'en'] as const)
      for (const width of [1280, 390]) {
        const { context, page } = await b.open(width);
        await page.getByRole('combobox', { name: /Sprache|Language/ }).selectOption(language);
        await signIn(page, width === 1280 ? 'staff' : 'admin');
        await page.waitForSelector('nav');
        await page.goto(`${b.url}/app/#/contacts/${contactId}`);
        const timeline = page.getByRole('region', { name: /Verlauf der Einwilligung|Consent timeline/ });
        const entry = timeline.getByTestId('opt-out');
        await entry.waitFor();
        expect(await entry.innerText()).toMatch(expected[language]);
        expect(await timeline.getByTestId('complaint').innerText()).toMatch(complaint[language]);
        await expectDateInLocale(page, language);
        // After the withdrawal it followed, though it is kept only to the minute.
        const items = await timeline.getByRole('listitem').allInnerTexts();
        const withdrawal = items.findIndex((x) => /(widerrufen|withdrawn) \((Link|link)\)/.test(x));
        expect(withdrawal).toBeGreaterThan(-1);
        expect(items.findIndex((x) => expected[language].test(x))).toBeGreaterThan(withdrawal);
        expect(await entry.getByRole('link', { name: emailWave.name }).getAttribute('href')).toContain(
          emailWave.id,
        );
        if (width === 390)
          expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(390);
        await expectAccessible(page);
        await page.screenshot({
          path: join(SCREENSHOTS, `contact-opt-out-${language}-${width}.png`),
          fullPage: true,
        });
        await context.close();
      }
    expect(unexpected(b.consoleErrors)).toEqual([]);
  });

  /** The opt-out's time as the language writes it: "08.12.2026, 00:05" or "8 Dec 2026, 00:05", never ISO. */
  async function expectDateInLocale(page: Page, language: 'de' | 'en') {
    const text = await page.getByTestId('opt-out').locator('time').innerText();
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).toMatch(
      language === 'de' ? /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/ : /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/,
    );
  }

  it('erasure keeps the opt-out counted for the wave, with no path left to the person', async () => {
    const row = rowOf(mails[1]);
    await t.http().delete(`/contacts/${row.contact_id}`).set(t.as('admin')).expect(204);
    const rows = await optOuts(emailWave.id);
    expect(rows).toHaveLength(2);
    const erased = rows.find((o) => o.via === 'one-click')!;
    expect(erased).toEqual({ ...groupOf(row, emailWave.id, 'email', 'one-click'), message_id: null });
    const held = JSON.stringify(await t.db.dataSource.query(`SELECT * FROM wave_opt_outs`));
    for (const trace of [row.contact_id, row.id, row.email, row.phone]) expect(held).not.toContain(trace);
    await t.http().get(`/contacts/${row.contact_id}`).set(t.as('admin')).expect(404);
  });
});
