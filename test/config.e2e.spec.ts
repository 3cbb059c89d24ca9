import { ROLES } from '../src/common/roles.js';
import { CONTACT_MAPPING_KEYS } from '../src/contacts/contact-columns.js';
import { startTestApp, type TestApp } from './app.js';

/** A service configured away from every default, with secrets set, so the answer must follow the environment. */
const ENV = {
  CONSENT_PURPOSES: 'campaign-news,petition-signers',
  DEFAULT_CONSENT_PURPOSE: 'petition-signers',
  APPROVAL_THRESHOLD: '250',
  FREQUENCY_CAP: '2/10',
  QUIET_HOURS_EMAIL: '22-7',
  QUIET_HOURS_SMS: 'off',
  EMAIL_PER_SECOND: '12',
  SMS_PER_SECOND: '0',
  MATCH_MIN_SCORE: '0.35',
  DISPATCH_IN_API: 'false',
  LINK_KEYS: 'k1:0123456789abcdef0123456789abcdef-secret',
  SMTP_URL: 'smtp://mailer:mail-password-secret@127.0.0.1:2525',
};

describe('GET /config', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(ENV);
  });
  afterAll(() => t.close());

  it('is refused without a session or token', async () => {
    await t.http().get('/config').expect(401);
  });

  it.each(ROLES)(
    'answers %s with the configured purposes, languages, channels, keys and thresholds',
    async (role) => {
      const res = await t.http().get('/config').set('Authorization', `Bearer ${t.tokens[role]}`).expect(200);
      expect(res.body).toEqual({
        purposes: {
          all: [
            { key: 'campaign-news', names: { de: 'Neuigkeiten aus der Kampagne', en: 'Campaign news' } },
            { key: 'petition-signers', names: { de: 'petition-signers', en: 'petition-signers' } },
          ],
          default: 'petition-signers',
          // No event-reminders purpose here: a reminder is sent for the default one unless staff choose another.
          eventReminders: 'petition-signers',
        },
        languages: {
          app: ['de', 'en'],
          messages: ['de', 'en'],
          contacts: expect.arrayContaining(['de', 'en', 'tr', 'ar', 'ru', 'uk', 'pl']) as unknown,
        },
        channels: ['email', 'sms'],
        contactMappingKeys: Object.keys(CONTACT_MAPPING_KEYS),
        approvalThreshold: 250,
        frequencyCap: { messages: 2, days: 10 },
        quietHours: { email: { from: 22, to: 7 }, sms: null },
        ratesPerSecond: { email: 12, sms: 0 },
        matchMinScore: 0.35,
      });
      expect(res.body.contactMappingKeys).toContain('email_opt_out');
    },
  );

  it('says nothing secret', async () => {
    const res = await t.http().get('/config').set('Authorization', `Bearer ${t.tokens.admin}`).expect(200);
    expect(res.text).not.toMatch(/secret|password|smtp:|k1:|127\.0\.0\.1/);
  });
});
