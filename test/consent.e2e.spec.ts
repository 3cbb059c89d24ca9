import twilio from 'twilio';
import { ConsentService } from '../src/consent/consent.service.js';
import { parseKeys, signLink } from '../src/links/signed-links.js';
import { startTestApp, type TestApp } from './app.js';
import { startFakeTwilio, twilioWebhook, type FakeTwilio } from './fake-twilio.js';
import { runImport, tempFile } from './imports.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { PUBLIC, settled, waitFor } from './waves.js';

const OLD_KEY = 'k1:first-secret-that-is-long-enough-0000';
const NEW_KEY = 'k2:second-secret-that-is-long-enough-000';
const HEADER =
  'external_id,first_name,last_name,email,phone,language,email_consent,sms_consent,consent_at,email_confirmed_at,sms_confirmed_at,consent_ip,consent_text_version';
const CONFIRMED = (id: string, email: string, phone = '', language = 'de') =>
  `${id},Eva,Test,${email},${phone},${language},ja,${phone ? 'ja' : ''},2026-01-10T10:00:00Z,2026-01-10T10:05:00Z,${phone ? '2026-01-10T10:06:00Z' : ''},192.0.2.10,v3`;

/** The path of a link in a message, for the test's HTTP client. */
const pathOf = (url: string) => url.replace(PUBLIC, '');

describe('consent, channels and the supporters’ pages', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let sms: FakeTwilio;
  let consent: ConsentService;
  const admin = () => t.as('admin');
  const staff = () => t.as('staff');

  beforeAll(async () => {
    smtp = await startSmtp();
    sms = await startFakeTwilio();
    t = await startTestApp({
      SMTP_URL: smtp.url,
      PUBLIC_URL: PUBLIC,
      LINK_KEYS: `${NEW_KEY},${OLD_KEY}`,
      TWILIO_ACCOUNT_SID: sms.accountSid,
      TWILIO_AUTH_TOKEN: sms.authToken,
      TWILIO_FROM: '+4915730000000',
      TWILIO_API_URL: sms.url,
      SENDER_NAME: 'Kampagne Test',
      QUIET_HOURS_SMS: 'off',
      // The suite opens the supporters' pages more often in a minute than one person would (the limit has its own test).
      PUBLIC_REQUESTS_PER_MINUTE: '1000',
    });
    consent = t.app.get(ConsentService);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await sms.close();
  });

  /** Staff ask everyone an import left waiting to confirm; returns the requests queued per channel. */
  async function ask(job: { id: string }): Promise<{ email: number; sms: number }> {
    const count = await t.http().get(`/confirmations/pending?importJobId=${job.id}`).set(staff()).expect(200);
    const { body } = await t
      .http()
      .post('/confirmations/releases')
      .set(staff())
      .send({ importJobId: job.id, expected: count.body.email + count.body.sms })
      .expect(200);
    return body.queued;
  }

  async function importLines(...lines: string[]) {
    const job = await runImport(
      t.db.dataSource,
      'contacts',
      await tempFile([HEADER, ...lines].join('\n') + '\n'),
    );
    expect(job.status).toBe('completed');
    return job;
  }
  const contactId = async (email: string): Promise<string> =>
    (await t.db.dataSource.query(`SELECT id FROM contacts WHERE email = $1`, [email]))[0]?.id;
  const mailsTo = (address: string) =>
    smtp.messages.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.text.includes(address)));
  const lastEvent = async (id: string, channel = 'email') =>
    (
      await t.db.dataSource.query(
        `SELECT * FROM consent_events WHERE contact_id = $1 AND channel = $2 ORDER BY id DESC LIMIT 1`,
        [id, channel],
      )
    )[0];

  it('double opt-in: one confirmation email, the link confirms with IP, user agent, time and text version, no second mail', async () => {
    await ask(await importLines('d1,Dana,Doppel,dana@example.org,,de,ja,,2026-02-01T09:00:00Z,,,,form-v7'));
    const mails = await smtp.waitFor(1).then(() => mailsTo('dana@example.org'));
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Bitte bestätigen Sie Ihre Anmeldung');
    expect(mails[0].html).toContain('<li>Neuigkeiten aus der Kampagne</li>');
    expect(mails[0].html).toContain('Hallo Dana');
    const id = await contactId('dana@example.org');
    // Nothing else reaches an unconfirmed address.
    const refused = await t
      .http()
      .post(`/contacts/${id}/messages`)
      .set(staff())
      .send({ channel: 'email', purpose: 'campaign-news', template: 'housing' })
      .expect(201);
    expect(refused.body).toEqual({ queued: false, reason: 'requested' });

    const link = /https:\/\/kampagne\.example\.org\/confirm\/\S+/.exec(mails[0].text ?? '')![0];
    // Opening the link (as a mail scanner does) shows what would be confirmed and a button, and confirms nothing.
    const prompt = await t.http().get(pathOf(link)).set('User-Agent', 'Link-Scanner/2.0').expect(200);
    expect(prompt.text).toContain('<form method="post"');
    expect(prompt.text).toContain('Neuigkeiten aus der Kampagne');
    expect(await consent.maySend(id, 'email', 'campaign-news')).toEqual({
      allowed: false,
      reason: 'requested',
    });
    expect((await consent.history(id)).map((e) => e.action)).toEqual(['requested']);
    const before = Date.now();
    const page = await t
      .http()
      .post(pathOf(link))
      .type('form')
      .send({ confirm: 'yes' })
      .set('User-Agent', 'Test-Browser/1.0')
      .expect(200);
    expect(page.text).toContain('Anmeldung bestätigt');
    expect(page.text).toContain('Neuigkeiten aus der Kampagne');
    const event = await lastEvent(id);
    expect(event).toMatchObject({
      action: 'confirmed',
      source: 'link',
      user_agent: 'Test-Browser/1.0',
      text_version: 'form-v7',
    });
    expect(event.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(new Date(event.occurred_at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    // Pressing the button again changes nothing; asking again sends nothing.
    await t.http().post(pathOf(link)).type('form').send({ confirm: 'yes' }).expect(200);
    expect((await consent.history(id)).filter((e) => e.action === 'confirmed')).toHaveLength(1);
    const again = await t
      .http()
      .post(`/contacts/${id}/confirmation`)
      .set(staff())
      .send({ channel: 'email' })
      .expect(201);
    expect(again.body).toEqual({ queued: false, reason: 'not-requested' });
    expect(mailsTo('dana@example.org')).toHaveLength(1);
  });

  it('a person is asked to confirm once: a later sign-up or release sends nothing more; only staff ask again', async () => {
    const job = await importLines('d2,Rolf,Zweimal,rolf@example.org,,en,yes,,,,,,');
    await ask(job);
    await waitFor(
      () => mailsTo('rolf@example.org').length,
      (n) => n === 1,
    );
    const form = { email: 'rolf@example.org', purposes: 'event-reminders', language: 'en' };
    await t.http().post('/signup').type('form').send(form).expect(200);
    expect(await ask(job)).toEqual({ email: 0, sms: 0 });
    await new Promise((r) => setTimeout(r, 1000));
    const mails = mailsTo('rolf@example.org');
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Please confirm your subscription');
    // A second ask is a person's decision, one contact at a time, and goes out once.
    const id = await contactId('rolf@example.org');
    const again = await t.http().post(`/contacts/${id}/confirmation`).set(staff()).send({ channel: 'email' });
    expect(again.body).toMatchObject({ queued: true });
    const twice = await t.http().post(`/contacts/${id}/confirmation`).set(staff()).send({ channel: 'email' });
    expect(twice.body).toEqual({ queued: false, reason: 'confirmation-already-sent' });
    await waitFor(
      () => mailsTo('rolf@example.org').length,
      (n) => n === 2,
    );
  });

  it('the one-click POST from List-Unsubscribe withdraws at once; the GET page waits for its button', async () => {
    await importLines(CONFIRMED('o1', 'olga@example.org'), CONFIRMED('o2', 'otto@example.org'));
    const send = async (email: string) => {
      const { body } = await t
        .http()
        .post(`/contacts/${await contactId(email)}/messages`)
        .set(staff())
        .send({ channel: 'email', purpose: 'campaign-news', template: 'housing' })
        .expect(201);
      return body.queued ? { ...body, status: (await settled(t, body.messageId)).status } : body;
    };
    expect(await send('olga@example.org')).toMatchObject({ queued: true, status: 'sent' });
    expect(await send('otto@example.org')).toMatchObject({ queued: true, status: 'sent' });
    const [olga] = await waitFor(
      () => mailsTo('olga@example.org'),
      (m) => m.length === 1,
    );
    const header = (mail: typeof olga, name: string) =>
      mail.headerLines.filter((h) => h.key === name).map((h) => h.line.slice(name.length + 1).trim());
    expect(header(olga, 'list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
    const listUnsubscribe = header(olga, 'list-unsubscribe');
    expect(listUnsubscribe).toHaveLength(1);
    const url = /<(https:[^>]+)>/.exec(listUnsubscribe[0])![1];
    expect(olga.messageId).toMatch(/^<[0-9a-f-]{36}@example\.org>$/);
    expect(olga.html).toContain(url);
    expect(olga.text).toContain('Eva');

    await t
      .http()
      .post(pathOf(url))
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .set('User-Agent', 'Mail-Provider/1')
      .expect(200);
    const olgaId = await contactId('olga@example.org');
    expect(await lastEvent(olgaId)).toMatchObject({
      action: 'withdrawn',
      source: 'link',
      user_agent: 'Mail-Provider/1',
    });
    expect(await send('olga@example.org')).toEqual({ queued: false, reason: 'withdrawn' });

    const [otto] = mailsTo('otto@example.org');
    const ottoUrl = /<(https:[^>]+)>/.exec(header(otto, 'list-unsubscribe')[0])![1];
    const prompt = await t.http().get(pathOf(ottoUrl)).expect(200);
    expect(prompt.text).toContain('<form method="post"');
    const ottoId = await contactId('otto@example.org');
    expect(await consent.maySend(ottoId, 'email', 'campaign-news')).toEqual({ allowed: true });
    await t.http().post(pathOf(ottoUrl)).type('form').send({ confirm: 'yes' }).expect(200);
    expect(await consent.maySend(ottoId, 'email', 'campaign-news')).toEqual({
      allowed: false,
      reason: 'withdrawn',
    });
    await t.http().post(pathOf(ottoUrl)).type('form').send({ confirm: 'yes' }).expect(200);
    expect((await consent.history(ottoId)).filter((e) => e.action === 'withdrawn')).toHaveLength(1);
  });

  it('an opt-out link opened again says it is done and offers the preferences; a link for every purpose asks only about those still given', async () => {
    await importLines(CONFIRMED('u1', 'ute@example.org'));
    const id = await contactId('ute@example.org');
    await consent.change(id, 'email', ['event-reminders'], 'confirmed', { source: 'admin' });
    const links = t.app.get((await import('../src/links/link.service.js')).LinkService);
    const link = (purpose: string) =>
      pathOf(links.url('unsubscribe', { contactId: id, channel: 'email', purpose }));
    const events = async () => (await consent.history(id)).length;

    const one = link('campaign-news');
    expect((await t.http().get(one).expect(200)).text).toContain('<form method="post"');
    await t.http().post(one).type('form').send({ confirm: 'yes' }).expect(200);
    const recorded = await events();
    const again = await t.http().get(one).expect(200);
    expect(again.text).toContain('<h1>Bereits abgemeldet</h1>');
    expect(again.text).toContain(
      'Sie sind bereits abgemeldet und erhalten über E-Mail keine Nachrichten mehr zu:',
    );
    expect(again.text).toContain('<li>Neuigkeiten aus der Kampagne</li>');
    expect(again.text).not.toContain('<form');
    expect(again.text).not.toContain('Jetzt abmelden');
    const preferences =
      /<a href="https:\/\/kampagne\.example\.org(\/preferences\/[^"]+)">Alle Einstellungen<\/a>/.exec(
        again.text,
      );
    expect(preferences).not.toBeNull();
    expect((await t.http().get(preferences![1]).expect(200)).text).toContain('Ihre Einstellungen');
    expect(await events()).toBe(recorded);

    // A link for every purpose names only what is still given, until nothing is.
    const all = link('*');
    const prompt = await t.http().get(all).expect(200);
    expect(prompt.text).toContain('<li>Erinnerungen an Veranstaltungen</li>');
    expect(prompt.text).not.toContain('Neuigkeiten aus der Kampagne');
    expect(prompt.text).not.toContain('Erinnerung am Wahltag');
    expect(prompt.text).toContain('Jetzt abmelden');
    await t.http().post(all).type('form').send({ confirm: 'yes' }).expect(200);
    expect((await t.http().get(all).expect(200)).text).toContain('<h1>Bereits abgemeldet</h1>');
  });

  it('refuses forged, altered and expired links with a plain page; a link signed with the previous key works', async () => {
    await importLines(CONFIRMED('l1', 'lina@example.org'));
    const id = await contactId('lina@example.org');
    const claims = {
      contactId: id,
      channel: 'email' as const,
      purpose: 'campaign-news',
      action: 'unsubscribe' as const,
    };
    const later = Math.floor(Date.now() / 1000) + 3600;
    const good = signLink({ ...claims, expires: later }, parseKeys(NEW_KEY));
    const [payload, signature] = good.split('.');
    const altered = `${Buffer.from(Buffer.from(payload, 'base64url').toString().replace('campaign-news', 'election-day')).toString('base64url')}.${signature}`;
    const forged = signLink(
      { ...claims, expires: later },
      parseKeys('k2:an-attacker-guessing-the-secret-000000'),
    );
    const expired = signLink({ ...claims, expires: 1000 }, parseKeys(NEW_KEY));
    for (const token of [forged, altered, expired, 'nonsense']) {
      const res = await t.http().get(`/unsubscribe/${token}`).expect(400);
      expect(res.text).toMatch(/invalid|ungültig/i);
      expect(res.text).not.toContain('lina');
      expect(res.text).not.toContain('Eva');
      await t
        .http()
        .post(`/unsubscribe/${token}`)
        .type('form')
        .send('List-Unsubscribe=One-Click')
        .expect(400);
    }
    expect(await consent.maySend(id, 'email', 'campaign-news')).toEqual({ allowed: true });
    // The wrong action for a genuine token is no better.
    await t.http().get(`/preferences/${good}`).expect(400);
    const previous = signLink({ ...claims, expires: later }, parseKeys(OLD_KEY));
    await t
      .http()
      .post(`/unsubscribe/${previous}`)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    expect(await consent.maySend(id, 'email', 'campaign-news')).toEqual({
      allowed: false,
      reason: 'withdrawn',
    });
  });

  describe('SMS keywords', () => {
    const inboundUrl = `${PUBLIC}/webhooks/twilio/inbound`;
    const inbound = (params: Record<string, string>, signature?: string) =>
      twilioWebhook(t, sms, '/webhooks/twilio/inbound', params, signature);
    let id: string;
    const phone = '+4915112345678';
    beforeAll(async () => {
      await importLines(CONFIRMED('s1', 'sven@example.org', phone));
      id = await contactId('sven@example.org');
    });
    const smsState = async () => (await consent.maySend(id, 'sms', 'campaign-news')).allowed;

    it.each([
      'STOP',
      'stopp',
      ' Stop All ',
      'ABMELDEN',
      'unsubscribe',
      'Cancel',
      'END',
      'quit',
      'REVOKE',
      'optout',
    ])('%s withdraws the SMS purposes given, and only those; START confirms them again', async (keyword) => {
      const stop = await inbound({ From: phone, Body: keyword, MessageSid: 'SM1' }).expect(200);
      expect(stop.headers['content-type']).toMatch(/xml/);
      expect(stop.text).toContain('<Response><Message>Kampagne Test: Sie sind abgemeldet');
      expect(await smsState()).toBe(false);
      expect(await consent.maySend(id, 'sms', 'campaign-news')).toEqual({
        allowed: false,
        reason: 'withdrawn',
      });
      for (const purpose of ['event-reminders', 'election-day'])
        expect(await consent.maySend(id, 'sms', purpose)).toEqual({ allowed: false, reason: 'no-consent' });
      expect(await lastEvent(id, 'sms')).toMatchObject({ source: 'sms-keyword', action: 'withdrawn' });
      await inbound({ From: phone, Body: 'START' }).expect(200);
      expect(await smsState()).toBe(true);
      for (const purpose of ['event-reminders', 'election-day'])
        expect(await consent.maySend(id, 'sms', purpose)).toEqual({ allowed: false, reason: 'no-consent' });
    });

    it('STOP then START restores exactly what was given: confirmed stays confirmed, requested comes back confirmed, the rest stays none', async () => {
      const other = '+4915112340000';
      await importLines(CONFIRMED('s2', 'stella@example.org', other));
      const stella = await contactId('stella@example.org');
      await consent.change(stella, 'sms', ['event-reminders'], 'requested', { source: 'form' });
      const states = async () =>
        Object.fromEntries(
          (await consent.states(stella)).filter((s) => s.channel === 'sms').map((s) => [s.purpose, s.status]),
        );
      await inbound({ From: other, Body: 'STOP' }).expect(200);
      expect(await states()).toEqual({
        'campaign-news': 'withdrawn',
        'event-reminders': 'withdrawn',
        'election-day': 'none',
      });
      await inbound({ From: other, Body: 'Ja' }).expect(200);
      expect(await states()).toEqual({
        'campaign-news': 'confirmed',
        'event-reminders': 'confirmed',
        'election-day': 'none',
      });
      // A purpose withdrawn by the person on another way (a link) is not brought back by START.
      await consent.change(stella, 'sms', ['campaign-news'], 'withdrawn', { source: 'link' });
      await inbound({ From: other, Body: 'START' }).expect(200);
      expect((await states())['campaign-news']).toBe('withdrawn');
      const history = (await t.http().get(`/contacts/${stella}/consent`).set(staff()).expect(200)).body;
      const said = history.events.map((e: { description: string }) => e.description);
      expect(said).toContain('SMS, event-reminders: withdrawn by the SMS keyword "STOP"');
      expect(said).toContain(
        'SMS, event-reminders: confirmed again by the SMS keyword "Ja" (restores what STOP withdrew)',
      );
    });

    it.each(['START', 'ja', 'Yes', 'unstop'])('%s confirms', async (keyword) => {
      await inbound({ From: phone, Body: 'STOP' }).expect(200);
      const res = await inbound({ From: phone, Body: keyword }).expect(200);
      expect(res.text).toContain('bestätigt');
      expect(await smsState()).toBe(true);
    });

    it.each(['HELP', 'hilfe'])('%s answers who is sending and how to stop', async (keyword) => {
      const res = await inbound({ From: phone, Body: keyword }).expect(200);
      expect(res.text).toContain('Kampagne Test');
      expect(res.text).toContain('STOP');
      expect(await smsState()).toBe(true);
    });

    it.each(['STOP', 'ABMELDEN', 'START', 'HELP'])(
      '%s with an invalid signature is refused (403) and changes nothing',
      async (keyword) => {
        const params = { From: phone, Body: keyword };
        await inbound(params, 'bm90IGEgc2lnbmF0dXJl').expect(403);
        const otherUrl = twilio.getExpectedTwilioSignature(
          sms.authToken,
          'https://evil.example/webhooks/twilio/inbound',
          params,
        );
        await inbound(params, otherUrl).expect(403);
        const wrongToken = twilio.getExpectedTwilioSignature('not-the-token', inboundUrl, params);
        await inbound(params, wrongToken).expect(403);
        await t.http().post('/webhooks/twilio/inbound').type('form').send(params).expect(403);
        expect(await smsState()).toBe(true);
      },
    );

    it('a keyword that changes nothing, or comes from a number we do not hold, gets a neutral reply, the same for every number, and records nothing', async () => {
      const unknown = '+4915199998888';
      const [none, given] = ['+4915112340001', '+4915112340002'];
      // Kim gave email consent only (her language is English); Kai's SMS consent is confirmed.
      await importLines(
        'k1,Kim,Keine,kim@example.org,+4915112340001,en,ja,,2026-01-10T10:00:00Z,2026-01-10T10:05:00Z,,192.0.2.10,v3',
        CONFIRMED('k2', 'kai@example.org', given),
      );
      const counts = async () =>
        (
          await t.db.dataSource.query(
            `SELECT (SELECT count(*) FROM contacts)::int AS contacts,
               (SELECT count(*) FROM consent_events)::int AS events,
               (SELECT count(*) FROM messages)::int AS messages,
               (SELECT count(*) FROM audit_log)::int AS audit`,
          )
        )[0];
      const before = await counts();
      const reply = async (From: string, Body: string) =>
        (await inbound({ From, Body, MessageSid: 'SM-neutral' }).expect(200)).text;

      const start = await reply(unknown, 'START');
      expect(start).toContain('Kampagne Test: Es gab nichts zu bestätigen; nichts wurde geändert.');
      expect(start).toContain('Kampagne Test: There was nothing to confirm; nothing has changed.');
      expect(start).not.toMatch(/bestätigt|confirmed|Danke|Thank/);
      const stop = await reply(unknown, 'STOP');
      expect(stop).toContain('Kampagne Test: Sie erhalten keine SMS von uns.');
      expect(stop).toContain('Kampagne Test: You will receive no text messages from us.');
      expect(stop).not.toMatch(/abgemeldet|unsubscribed|START/);
      const help = await reply(unknown, 'HELP');
      expect(help).toContain('STOP');

      // A number we hold where the keyword changes nothing gets the very same words in the same languages.
      for (const number of [none, given]) expect(await reply(number, 'START')).toBe(start);
      expect(await reply(none, 'STOP')).toBe(stop);
      expect(await reply(none, 'Ja')).toBe(start);
      for (const number of [none, given]) expect(await reply(number, 'HELP')).toBe(help);
      expect(await counts()).toEqual(before);
      const kai = await contactId('kai@example.org');
      expect(await consent.maySend(kai, 'sms', 'campaign-news')).toEqual({ allowed: true });
    });

    it('a message that is not a keyword gets an empty reply and changes nothing', async () => {
      const res = await inbound({ From: phone, Body: 'Stop the war' }).expect(200);
      expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(await smsState()).toBe(true);
    });

    it('sends SMS through the twilio SDK and records delivery from the signed status callback', async () => {
      const res = await t
        .http()
        .post(`/contacts/${id}/messages`)
        .set(staff())
        .send({ channel: 'sms', purpose: 'campaign-news', template: 'housing' })
        .expect(201);
      expect(res.body).toMatchObject({ queued: true, status: 'queued' });
      expect((await settled(t, res.body.messageId)).status).toBe('sent');
      const sent = sms.sent.at(-1)!;
      expect(sent).toMatchObject({
        to: phone,
        from: '+4915730000000',
        statusCallback: `${PUBLIC}/webhooks/twilio/status`,
      });
      const params = { MessageSid: sent.sid, MessageStatus: 'delivered' };
      await twilioWebhook(t, sms, '/webhooks/twilio/status', params, 'forged').expect(403);
      await twilioWebhook(t, sms, '/webhooks/twilio/status', params).expect(204);
      const [row] = await t.db.dataSource.query(`SELECT status, provider_id FROM messages WHERE id = $1`, [
        res.body.messageId,
      ]);
      expect(row).toEqual({ status: 'delivered', provider_id: sent.sid });
    });
  });

  it('tells permanent failures from transient ones, and an opted-out number withdraws its consent', async () => {
    await importLines(
      CONFIRMED('f1', 'bounce@example.org', '+4915199990001'),
      CONFIRMED('f2', 'busy@example.org', '+4915199990002'),
    );
    smtp.refuse.set('bounce@example.org', 550);
    smtp.refuse.set('busy@example.org', 451);
    sms.optedOut.add('+4915199990001');
    const send = async (email: string, channel: string) => {
      const res = await t
        .http()
        .post(`/contacts/${await contactId(email)}/messages`)
        .set(staff())
        .send({ channel, purpose: 'campaign-news', template: 'jobs' })
        .expect(201);
      const { status, error_code } = await settled(t, res.body.messageId);
      return { status, error_code };
    };
    // Permanent: bounced or failed for good; transient: queued again for a later try.
    expect(await send('bounce@example.org', 'email')).toEqual({ status: 'bounced', error_code: 'smtp-550' });
    expect(await send('busy@example.org', 'email')).toEqual({ status: 'queued', error_code: 'smtp-451' });
    expect(await send('bounce@example.org', 'sms')).toEqual({ status: 'failed', error_code: '21610' });
    const bounced = await contactId('bounce@example.org');
    expect(await consent.maySend(bounced, 'sms', 'campaign-news')).toEqual({
      allowed: false,
      reason: 'withdrawn',
    });
    sms.rateLimited = true;
    expect(await send('busy@example.org', 'sms')).toEqual({ status: 'queued', error_code: '20429' });
    sms.rateLimited = false;
  });

  it('the send gate refuses every state but confirmed, and sees a withdrawal at the very next check', async () => {
    await importLines(
      'g1,,,none@example.org,,de,,,,,,,',
      'g2,,,requested@example.org,,de,ja,,,,,,',
      'g3,,,withdrawn@example.org,,de,nein,,,,,,',
      CONFIRMED('g4', 'yes@example.org'),
    );
    const gate = async (email: string) => consent.maySend(await contactId(email), 'email', 'campaign-news');
    expect(await gate('none@example.org')).toEqual({ allowed: false, reason: 'no-consent' });
    expect(await gate('requested@example.org')).toEqual({ allowed: false, reason: 'requested' });
    expect(await gate('withdrawn@example.org')).toEqual({ allowed: false, reason: 'withdrawn' });
    expect(await gate('yes@example.org')).toEqual({ allowed: true });
    const id = await contactId('yes@example.org');
    expect(await consent.maySend(id, 'email', 'election-day')).toEqual({
      allowed: false,
      reason: 'no-consent',
    });
    await consent.change(id, 'sms', ['campaign-news'], 'confirmed', { source: 'admin' });
    expect(await consent.maySend(id, 'sms', 'campaign-news')).toEqual({
      allowed: false,
      reason: 'no-address',
    });
    await consent.change(id, 'email', ['campaign-news'], 'withdrawn', { source: 'api' });
    expect(await gate('yes@example.org')).toEqual({ allowed: false, reason: 'withdrawn' });
  });

  it('the current state is what replaying the events gives', async () => {
    await importLines(
      CONFIRMED('v1', 'vera@example.org', '+4915177778888'),
      'v2,,,veit@example.org,+4915177779999,de,ja,ja,,,,,',
    );
    const ids = [await contactId('vera@example.org'), await contactId('veit@example.org')];
    const actions = ['requested', 'confirmed', 'withdrawn'] as const;
    const purposes = ['campaign-news', 'event-reminders', 'election-day'];
    for (let i = 0; i < 60; i++)
      await consent.change(
        ids[i % 2],
        i % 3 ? 'email' : 'sms',
        [purposes[(i * 7) % 3]],
        actions[(i * 5) % 3],
        {
          source: 'api',
        },
      );
    const events: { contact_id: string; channel: string; purpose: string; action: string }[] =
      await t.db.dataSource.query(
        `SELECT contact_id, channel, purpose, action FROM consent_events WHERE contact_id IS NOT NULL ORDER BY id`,
      );
    const replayed = new Map<string, string>();
    for (const e of events) replayed.set(`${e.contact_id}|${e.channel}|${e.purpose}`, e.action);
    const view: { contact_id: string; channel: string; purpose: string; status: string }[] =
      await t.db.dataSource.query(`SELECT contact_id, channel, purpose, status FROM consent_current`);
    expect(new Map(view.map((v) => [`${v.contact_id}|${v.channel}|${v.purpose}`, v.status]))).toEqual(
      replayed,
    );
    expect(replayed.size).toBeGreaterThan(20);
  });

  it('sign-up form: validates, starts double opt-in on both channels, JA by SMS confirms', async () => {
    const form = await t.http().get('/signup?lang=en').expect(200);
    expect(form.text).toContain('name="purposes"');
    expect(form.text).toContain('signup-2026-01');
    const bad = await t
      .http()
      .post('/signup')
      .type('form')
      .send({ email: 'not-an-email', language: 'en' })
      .expect(422);
    expect(bad.text).toContain('Please check what you entered');
    await t
      .http()
      .post('/signup')
      .type('form')
      .send(
        'firstName=Sami&email=sami%40example.org&phone=0151%2022223333&purposes=campaign-news&purposes=election-day&language=en',
      )
      .set('User-Agent', 'Phone-Browser')
      .expect(200);
    await waitFor(
      () => mailsTo('sami@example.org').length,
      (n) => n === 1,
    );
    await waitFor(
      () => sms.sent.at(-1)?.to,
      (to) => to === '+4915122223333',
    );
    expect(sms.sent.at(-1)!.body).toContain('YES');
    const id = await contactId('sami@example.org');
    const first = (await consent.history(id))[0];
    expect(first).toMatchObject({
      action: 'requested',
      source: 'form',
      userAgent: 'Phone-Browser',
      textVersion: 'signup-2026-01',
    });
    const params = { From: '+4915122223333', Body: 'Yes' };
    await twilioWebhook(t, sms, '/webhooks/twilio/inbound', params).expect(200);
    expect(await consent.maySend(id, 'sms', 'election-day')).toEqual({ allowed: true });
    expect(await consent.maySend(id, 'sms', 'event-reminders')).toEqual({
      allowed: false,
      reason: 'no-consent',
    });
    expect(await consent.maySend(id, 'email', 'campaign-news')).toEqual({
      allowed: false,
      reason: 'requested',
    });
  });

  it('preference centre: shows only the holder’s choices and saves them', async () => {
    await importLines(CONFIRMED('p1', 'paula@example.org', '', 'en'));
    const id = await contactId('paula@example.org');
    const links = t.app.get((await import('../src/links/link.service.js')).LinkService);
    const url = pathOf(links.url('preferences', { contactId: id, channel: 'email', purpose: '*' }));
    const page = await t.http().get(url).expect(200);
    expect(page.text).toContain('name="email:campaign-news" value="on" checked');
    expect(page.text).not.toContain('@example.org');
    await t.http().post(url).type('form').send('email:election-day=on&language=de').expect(200);
    expect(await consent.maySend(id, 'email', 'campaign-news')).toEqual({
      allowed: false,
      reason: 'withdrawn',
    });
    expect(await consent.maySend(id, 'email', 'election-day')).toEqual({ allowed: true });
    // What the person chose there is recorded with the consent text the page showed.
    expect(page.text).toContain('(signup-2026-01)');
    expect(await lastEvent(id)).toMatchObject({
      action: 'confirmed',
      source: 'link',
      text_version: 'signup-2026-01',
    });
    const saved = await t.http().get(url).expect(200);
    expect(saved.text).toContain('<html lang="de">');
  });

  it('preference centre: a purpose only asked for is shown unticked, and saving confirms nothing the person did not tick', async () => {
    await importLines(CONFIRMED('p2', 'piet@example.org', '', 'en'));
    const id = await contactId('piet@example.org');
    // Asked for on an import without proof: not given yet.
    await consent.change(id, 'email', ['event-reminders'], 'requested', { source: 'import' });
    const links = t.app.get((await import('../src/links/link.service.js')).LinkService);
    const url = pathOf(links.url('preferences', { contactId: id, channel: 'email', purpose: '*' }));
    const page = await t.http().get(url).expect(200);
    expect(page.text).toContain('name="email:campaign-news" value="on" checked>');
    expect(page.text).toContain(
      'name="email:event-reminders" value="on"> Event reminders <small>(asked for, not yet confirmed)</small>',
    );
    expect(page.text).not.toMatch(/name="email:(event-reminders|election-day)" value="on" checked/);
    // The page sent back as shown (a language changed) changes no consent.
    const events = (await consent.history(id)).length;
    await t.http().post(url).type('form').send('email:campaign-news=on&language=de').expect(200);
    expect(await consent.history(id)).toHaveLength(events);
    expect(await consent.maySend(id, 'email', 'event-reminders')).toEqual({
      allowed: false,
      reason: 'requested',
    });
    // The person's own tick confirms it.
    await t
      .http()
      .post(url)
      .type('form')
      .send('email:campaign-news=on&email:event-reminders=on&language=de')
      .expect(200);
    expect(await consent.maySend(id, 'email', 'event-reminders')).toEqual({ allowed: true });
    expect(await lastEvent(id)).toMatchObject({
      purpose: 'event-reminders',
      action: 'confirmed',
      source: 'link',
    });
  });

  it('rights of the person: history, recorded consent, export, erasure and suppression on re-import', async () => {
    const line = CONFIRMED('e1', 'erika@example.org', '+4915155556666');
    await importLines(line);
    const id = await contactId('erika@example.org');
    const paper = {
      channel: 'sms',
      action: 'confirmed',
      evidence: 'paper form 2026-031',
      occurredAt: '2026-03-01T12:00:00Z',
    };
    // A paper that names no purpose records nothing, and says why.
    for (const purposes of [[], ['event-reminders', 'event-reminders']]) {
      const refused = await t
        .http()
        .post(`/contacts/${id}/consent`)
        .set(admin())
        .send({ ...paper, purposes })
        .expect(422);
      expect(refused.body.fields).toEqual([
        {
          field: 'purposes',
          message: purposes.length
            ? 'purposes must name each purpose once'
            : 'purposes must name at least one purpose: a consent records only the purposes its evidence names',
        },
      ]);
    }
    expect(await consent.history(id)).toHaveLength(2);
    const states = async () =>
      Object.fromEntries((await consent.states(id)).map((s) => [`${s.channel} ${s.purpose}`, s.status]));
    const before = await states();
    const recorded = await t
      .http()
      .post(`/contacts/${id}/consent`)
      .set(admin())
      .send({ ...paper, purposes: ['event-reminders'] })
      .expect(201);
    expect(recorded.body.changed).toEqual(['event-reminders']);
    // That purpose on that channel, and nothing else.
    expect(await states()).toEqual({ ...before, 'sms event-reminders': 'confirmed' });
    expect(before).toMatchObject({ 'email campaign-news': 'confirmed', 'sms campaign-news': 'confirmed' });
    await t.http().post(`/contacts/${id}/consent`).set(staff()).send({}).expect(403);
    const history = (await t.http().get(`/contacts/${id}/consent`).set(staff()).expect(200)).body;
    expect(history.events.at(-1)).toMatchObject({
      source: 'admin',
      details: { evidence: 'paper form 2026-031' },
    });
    expect(history.events[0]).toMatchObject({ source: 'import', importLine: 2, ip: '192.0.2.10' });
    const exported = (await t.http().get(`/contacts/${id}/export`).set(admin()).expect(200)).body;
    expect(exported.contact).toMatchObject({ email: 'erika@example.org', phone: '+4915155556666' });
    expect(exported.consentEvents.length).toBe(history.events.length);

    await t.http().delete(`/contacts/${id}`).set(staff()).expect(403);
    await t.http().delete(`/contacts/${id}`).set(admin()).expect(204);
    await t.http().delete(`/contacts/${id}`).set(admin()).expect(404);
    const kept = await t.db.dataSource.query(
      `SELECT contact_id, ip, user_agent, import_file, import_line FROM consent_events WHERE id = ANY($1)`,
      [history.events.map((e: { id: string }) => e.id)],
    );
    expect(kept).toHaveLength(history.events.length);
    for (const e of kept)
      expect(e).toEqual({
        contact_id: null,
        ip: null,
        user_agent: null,
        import_file: null,
        import_line: null,
      });
    const stored = JSON.stringify(await t.db.dataSource.query(`SELECT * FROM suppressions`));
    expect(stored).not.toContain('erika');
    expect(stored).not.toContain('5155556666');

    const again = await runImport(t.db.dataSource, 'contacts', await tempFile(`${HEADER}\n${line}\n`));
    expect(again).toMatchObject({ inserted: 0, rejected: 1 });
    expect(again.errors[0]).toMatchObject({ line: 2, reason: expect.stringContaining('suppressed') });
    expect(await contactId('erika@example.org')).toBeUndefined();
    const audit = await t.db.dataSource.query(
      `SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual([
      'consent.record',
      'contact.export',
      'contact.erase',
    ]);
  });

  it('retention: contacts of a source are erased when their time is up', async () => {
    await runImport(
      t.db.dataSource,
      'contacts',
      await tempFile(`${HEADER}\n${CONFIRMED('r1', 'old@example.org')}\n`),
      {
        source: 'petition-2025',
      },
    );
    await importLines(CONFIRMED('r2', 'kept@example.org'));
    await t
      .http()
      .put('/retention-rules/petition-2025')
      .set(admin())
      .send({ days: 30, after: '2025-06-01' })
      .expect(200);
    await t.http().put('/retention-rules/bad source!').set(admin()).send({ days: 30 }).expect(400);
    await t.http().put('/retention-rules/x').set(admin()).send({ days: 0 }).expect(422);
    const applied = (
      await t.http().post('/retention-rules/apply').set(admin()).send({ expected: 1 }).expect(201)
    ).body;
    expect(applied).toEqual([{ source: 'petition-2025', erased: 1 }]);
    expect(await contactId('old@example.org')).toBeUndefined();
    expect(await contactId('kept@example.org')).toBeDefined();
  });
});
