import type { ParsedMail } from 'mailparser';
import { LinkService } from '../src/links/link.service.js';
import { startTestApp, type TestApp } from './app.js';
import { startFakeTwilio, twilioEnv, type FakeTwilio } from './fake-twilio.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { isCampaign, ledgerId, loadWaveData, PUBLIC, waitFor } from './waves.js';

const RENT_DE = 'https://mieten.example.org/de?x=1&y=2';
const DATES = 'https://termine.example.org/';
const RENT_EN = 'https://rent.example.org/en';

const template = {
  key: 'rent-links',
  name: { de: 'Miete', en: 'Rent' },
  weights: { density_per_km2: 0.1 },
  reasoning: 'Rents rise fastest where people live closest together.',
  content: {
    de: {
      subject: 'Miete in {{region_name}}',
      html: `<p>Hallo {{first_name}}</p><p><a href="https://mieten.example.org/de?x=1&amp;y=2">Mietendeckel</a>
        <a href='${DATES}'>Termine</a> <a href="mailto:info@example.org">Schreib uns</a></p>
        <a href="{{opt_out_link}}">Abmelden</a>`,
      text: `Hallo {{first_name}}. Mietendeckel: ${RENT_DE}. Termine (${DATES}). Abmelden: {{opt_out_link}}`,
      sms: `Miete runter! ${RENT_DE} STOP zum Abmelden`,
    },
    en: {
      subject: 'Rent in {{region_name}}',
      html: `<p>Hi {{first_name}}</p><p><a href="${RENT_EN}">Rent cap</a></p><a href="{{opt_out_link}}">Unsubscribe</a>`,
      text: `Hi {{first_name}}. Rent cap: ${RENT_EN} Unsubscribe: {{opt_out_link}}`,
      sms: `Rent down! ${RENT_EN} Reply STOP to opt out`,
    },
  },
};

interface Row {
  id: string;
  contact_id: string;
  email: string;
  phone: string;
  segment_id: string | null;
  template_key: string;
  template_version: number;
  language: string;
}

const tracked = (text: string) =>
  [...text.matchAll(/https:\/\/kampagne\.example\.org\/l\/[\w-]+/g)].map((m) => m[0]);
const hrefs = (html: string) => [...html.matchAll(/href=["']([^"']+)["']/g)].map((m) => m[1]);
const pathOf = (url: string) => url.slice(PUBLIC.length);
const tokenOf = (url: string) => url.slice(`${PUBLIC}/l/`.length);

describe('clicks counted per group, never per person without consent', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let sms: FakeTwilio;
  let runId: string;
  let segmentIds: string[];

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
    await loadWaveData(t, 40);
    const run = (
      await t.http().post('/segmentations').set(t.as('strategist')).send({ k: '2', seed: 1 }).expect(201)
    ).body;
    runId = run.id;
    segmentIds = run.segments.map((s: { id: string }) => s.id);
    await t.http().post('/templates').set(t.as('strategist')).send(template).expect(201);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await sms.close();
  });

  async function sendWave(channel: 'email' | 'sms') {
    const wave = (
      await t
        .http()
        .post('/waves')
        .set(t.as('staff'))
        .send({
          name: `Miete ${channel}`,
          channel,
          purpose: 'campaign-news',
          audience: { runId, segmentIds },
          templateStrategy: 'fixed',
          templateKey: template.key,
        })
        .expect(201)
    ).body as { id: string };
    await t.http().post(`/waves/${wave.id}/launch`).set(t.as('staff')).expect(200);
    await waitFor(
      async () => (await t.http().get(`/waves/${wave.id}`).set(t.as('staff')).expect(200)).body.status,
      (s: string) => s === 'completed',
    );
    const rows: Row[] = await t.db.dataSource.query(
      `SELECT m.id, m.contact_id, c.email, c.phone, m.segment_id, m.template_key, m.template_version, m.language
       FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.wave_id = $1 AND m.status = 'sent'`,
      [wave.id],
    );
    return { waveId: wave.id, rows };
  }

  const counts = async (waveId: string) =>
    (
      await t.db.dataSource.query<
        { group: string; link_index: number; clicks: number; unique_clicks: number }[]
      >(
        `SELECT concat_ws('|', segment_id, template_key, template_version, language) AS group, link_index, clicks,
           unique_clicks FROM link_click_counts WHERE wave_id = $1 ORDER BY 1, 2`,
        [waveId],
      )
    ).map((r) => ({ ...r }));

  /** The person's own tick in the preference centre, reached by the link in their mails. */
  async function giveAnalyticsConsent(contactId: string) {
    const path = new URL(
      t.app.get(LinkService).url('preferences', { contactId, channel: 'email', purpose: '*' }),
    ).pathname;
    const page = await t.http().get(path).expect(200);
    expect(page.text).toMatch(/<input type="checkbox" name="email:analytics" value="on">/);
    await t
      .http()
      .post(path)
      .type('form')
      .send({
        'email:campaign-news': 'on',
        'email:analytics': 'on',
        'sms:campaign-news': 'on',
        language: 'de',
      })
      .expect(200);
    const states = await t.db.dataSource.query(
      `SELECT channel, status FROM consent_current WHERE contact_id = $1 AND purpose = 'analytics'`,
      [contactId],
    );
    expect(states).toEqual([{ channel: 'email', status: 'confirmed' }]);
  }

  it('the analytics consent is off by default: nobody has it until they tick it themselves', async () => {
    const given = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM consent_current WHERE purpose = 'analytics'`,
    );
    expect(given).toEqual([{ n: 0 }]);
    const signup = await t.http().get('/signup?lang=en').expect(200);
    expect(signup.text).toMatch(/<input type="checkbox" name="purposes" value="analytics">/);
    // Alone it is no sign-up: it comes only beside a purpose to be written for.
    await t
      .http()
      .post('/signup')
      .type('form')
      .send({ email: 'only.clicks@example.org', purposes: 'analytics' })
      .expect(422);
  });

  it('an email wave: every link rewritten, clicks counted per segment × template × language, nobody named', async () => {
    const [analytics] = await t.db.dataSource.query<{ id: string }[]>(
      `SELECT id FROM contacts WHERE external_id = 'w0'`,
    );
    await giveAnalyticsConsent(analytics.id);

    const { waveId, rows } = await sendWave('email');
    expect(rows.length).toBe(16);
    const mails = smtp.messages.filter(isCampaign).filter((m) => rows.some((r) => r.id === ledgerId(m)));
    expect(mails).toHaveLength(rows.length);
    const rowOf = (m: ParsedMail) => rows.find((r) => r.id === ledgerId(m))!;

    const expected = new Map<string, { clicks: number; unique: number }>();
    const count = (row: Row, link: number, clicks: number) => {
      const key = `${[row.segment_id, row.template_key, row.template_version, row.language].join('|')}#${link}`;
      const was = expected.get(key) ?? { clicks: 0, unique: 0 };
      expected.set(key, { clicks: was.clicks + clicks, unique: was.unique + 1 });
    };

    for (const [i, mail] of mails.entries()) {
      const row = rowOf(mail);
      const html = mail.html as string;
      const text = mail.text!;
      // The template's addresses are gone; the opt-out, mailto and List-Unsubscribe are as they were.
      expect(html + text).not.toMatch(/mieten\.example|termine\.example|rent\.example/);
      if (row.language === 'de') expect(hrefs(html)).toContain('mailto:info@example.org');
      expect(hrefs(html).filter((h) => h.startsWith(`${PUBLIC}/unsubscribe/`))).toHaveLength(1);
      expect(text).toContain(`${PUBLIC}/unsubscribe/`);
      const listUnsubscribe = mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
      expect(listUnsubscribe).toContain(`<${PUBLIC}/unsubscribe/`);
      expect(listUnsubscribe).not.toContain('/l/');

      const links = tracked(html);
      expect(links).toHaveLength(row.language === 'de' ? 2 : 1);
      // The text's link to the same address is the same tracked link.
      expect(tracked(text)).toEqual(links);

      for (const link of links) {
        const bytes = Buffer.from(tokenOf(link), 'base64url');
        for (const personal of [row.contact_id.replace(/-/g, ''), row.phone.replace('+', '')])
          expect(bytes.toString('hex')).not.toContain(personal.toLowerCase());
        expect(bytes.toString('latin1')).not.toContain(row.email);
        const withMessage = bytes.toString('hex').includes(row.id.replace(/-/g, ''));
        expect(withMessage).toBe(row.contact_id === analytics.id);
      }

      // Two clicks on the first link from the same mail: two clicks, one clicker.
      const first = row.language === 'de' ? RENT_DE : RENT_EN;
      for (let n = 0; n < 2; n++) {
        const res = await t.http().get(pathOf(links[0])).expect(302);
        expect(res.headers.location).toBe(first);
      }
      count(row, row.language === 'de' ? 0 : 2, 2);
      if (row.language === 'de' && i % 2 === 0) {
        expect((await t.http().get(pathOf(links[1])).expect(302)).headers.location).toBe(DATES);
        count(row, 1, 1);
      }
    }

    const actual = await counts(waveId);
    expect(
      Object.fromEntries(
        actual.map((r) => [`${r.group}#${r.link_index}`, { clicks: r.clicks, unique: r.unique_clicks }]),
      ),
    ).toEqual(Object.fromEntries(expected));
    expect(new Set(actual.map((r) => r.group.split('|')[0])).size).toBeGreaterThan(1);

    // The counts are a count over the appended clicks, so they cannot drift from them.
    const recount = await t.db.dataSource.query(
      `SELECT concat_ws('|', segment_id, template_key, template_version, language) AS group, link_index,
         count(*)::int AS clicks, count(DISTINCT nonce)::int AS unique_clicks
       FROM link_clicks WHERE wave_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [waveId],
    );
    expect(recount).toEqual(actual);

    // Per-person records only for the contact who gave the analytics consent.
    const named = await t.db.dataSource.query<{ message_id: string }[]>(
      `SELECT DISTINCT message_id FROM link_clicks WHERE wave_id = $1 AND message_id IS NOT NULL`,
      [waveId],
    );
    const analyticsMessage = rows.find((r) => r.contact_id === analytics.id)!.id;
    expect(named).toEqual([{ message_id: analyticsMessage }]);
  });

  it('an altered, unknown or expired link gets the plain page and no Location, and counts nothing', async () => {
    const [mail] = smtp.messages.filter(isCampaign);
    const link = tracked(mail.html as string)[0];
    const token = tokenOf(link);
    const waveId: string = (
      await t.db.dataSource.query(`SELECT wave_id FROM messages WHERE id = $1`, [ledgerId(mail)])
    )[0].wave_id;
    const before = await counts(waveId);
    const flipped = (i: number) => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      return token.slice(0, i) + alphabet[(alphabet.indexOf(token[i]) + 1) % 64] + token.slice(i + 1);
    };
    for (const path of [
      `/l/${flipped(0)}`,
      `/l/${flipped(token.length - 3)}`,
      '/l/AAAAAAAAAAAAAAAAAAAA',
      `/l/x`,
    ]) {
      const res = await t.http().get(path).expect(404);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toMatch(/<html/);
    }
    await t.db.dataSource.query(
      `UPDATE click_targets SET expires_at = now() - interval '1 day' WHERE wave_id = $1`,
      [waveId],
    );
    const gone = await t.http().get(pathOf(link)).expect(410);
    expect(gone.headers.location).toBeUndefined();
    expect(await counts(waveId)).toEqual(before);
  });

  it('an SMS wave: the tracked path fits in 24 characters and leads to the SMS’s address', async () => {
    const before = sms.sent.length;
    const { rows } = await sendWave('sms');
    expect(rows.length).toBeGreaterThan(0);
    const sent = sms.sent.slice(before);
    expect(sent).toHaveLength(rows.length);
    for (const message of sent) {
      expect(message.body).not.toMatch(/mieten\.example|rent\.example/);
      const [link] = tracked(message.body);
      expect(pathOf(link).length).toBeLessThanOrEqual(24);
      const res = await t.http().get(pathOf(link)).expect(302);
      expect([RENT_DE, RENT_EN]).toContain(res.headers.location);
    }
  });
});
