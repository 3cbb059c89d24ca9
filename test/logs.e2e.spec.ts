import { startTestApp } from './app.js';
import { startFakeTwilio, twilioEnv } from './fake-twilio.js';
import { runImport, tempFile } from './imports.js';
import { startSmtp } from './smtp.js';
import { settled } from './waves.js';

describe('logs', () => {
  it('carry no email address and no phone number, even when a provider quotes them in its error', async () => {
    const smtp = await startSmtp();
    const sms = await startFakeTwilio();
    const t = await startTestApp({
      LOG_LEVEL: 'debug',
      SMTP_URL: smtp.url,
      ...twilioEnv(sms),
      QUIET_HOURS_SMS: 'off',
    });
    const written: string[] = [];
    const original = { out: process.stdout.write, err: process.stderr.write };
    const capture =
      (stream: NodeJS.WriteStream, write: typeof process.stdout.write) =>
      (chunk: string | Uint8Array, ...rest: unknown[]) => {
        written.push(String(chunk));
        return (write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      };
    process.stdout.write = capture(process.stdout, original.out);
    process.stderr.write = capture(process.stderr, original.err);
    try {
      await runImport(
        t.db.dataSource,
        'contacts',
        await tempFile(
          'email,phone,language,email_consent,sms_consent,email_confirmed_at,sms_confirmed_at,consent_ip\n' +
            'lost.person@example.org,+4915199887766,de,ja,ja,2026-01-05T10:00:00Z,2026-01-05T10:00:00Z,192.0.2.7\n',
        ),
      );
      smtp.refuse.set('lost.person@example.org', 550);
      sms.invalid.add('+4915199887766');
      const [{ id }] = await t.db.dataSource.query(`SELECT id FROM contacts`);
      for (const channel of ['email', 'sms']) {
        const res = await t
          .http()
          .post(`/contacts/${id}/messages`)
          .set(t.as('staff'))
          .send({ channel, purpose: 'campaign-news', template: 'jobs' })
          .expect(201);
        expect((await settled(t, res.body.messageId)).status).toMatch(/failed|bounced/);
      }
    } finally {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
      await t.close();
      await smtp.close();
      await sms.close();
    }
    const log = written.join('');
    expect(log).toMatch(/email \S+ failed/);
    expect(log).toContain("The 'To' number [phone] is not a valid phone number");
    expect(log).not.toContain('lost.person');
    expect(log).not.toContain('15199887766');
  });
});
