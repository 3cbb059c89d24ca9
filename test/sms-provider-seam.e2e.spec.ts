import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  InboundMessage,
  ProviderRequest,
  SmsCallbacks,
  StatusReport,
} from '../src/channels/callbacks.js';
import type { SendOutcome, SmsDriver } from '../src/channels/delivery.js';
import { SMS_PROVIDERS } from '../src/channels/sms-providers.js';
import { startTestApp, type TestApp } from './app.js';
import { loadWaveData, peaceSmsWave, PUBLIC, waitFor } from './waves.js';

/**
 * A second SMS provider, written here as the README's recipe says: one file with its driver and its callbacks, and
 * one line in `SMS_PROVIDERS`. It posts JSON, signs the URL and body with HMAC-SHA256 in `X-Acme-Signature`, and
 * reports states in its own words.
 */
const SECRET = 'acme-webhook-secret';
const sign = (url: string, body: object) =>
  createHmac('sha256', SECRET)
    .update(url + JSON.stringify(body))
    .digest('hex');
const sent: { id: string; to: string; body: string }[] = [];

class AcmeDriver implements SmsDriver {
  readonly target = 'acme';
  send(to: string, body: string): Promise<SendOutcome> {
    const id = `acme-${sent.length + 1}`;
    sent.push({ id, to, body });
    return Promise.resolve({ ok: true, providerId: id });
  }
}

class AcmeCallbacks implements SmsCallbacks {
  refusal(request: ProviderRequest) {
    if (!request.is('application/json')) return { status: 415 as const, text: 'JSON only' };
    const given = Buffer.from(request.header('x-acme-signature') ?? '', 'hex');
    const expected = Buffer.from(sign(request.url, request.body), 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected)
      ? null
      : { status: 403 as const, text: 'invalid signature' };
  }
  statusReport(body: Record<string, string>): StatusReport | null {
    const states: Record<string, StatusReport['status']> = {
      handed: 'sent',
      arrived: 'delivered',
      lost: 'failed',
    };
    if (!body.id || !body.state) return null;
    return {
      providerId: body.id,
      reported: body.state,
      recipient: body.to ?? null,
      status: states[body.state] ?? null,
      code: body.code ?? null,
      failure: body.state === 'lost' ? 'rejected' : null,
    };
  }
  inboundMessage(body: Record<string, string>): InboundMessage {
    return { from: body.from ?? null, body: body.text ?? '', providerId: body.id ?? null };
  }
  reply(text: string | null) {
    return { type: 'application/json', body: JSON.stringify({ reply: text }) };
  }
}

describe('an SMS provider added in one file and one line: it sends, and its callbacks reach /webhooks/<name>/…', () => {
  let t: TestApp;
  let waveId: string;

  beforeAll(async () => {
    SMS_PROVIDERS.acme = { driver: AcmeDriver, callbacks: AcmeCallbacks };
    t = await startTestApp({
      SMS_PROVIDER: 'acme',
      PUBLIC_URL: PUBLIC,
      QUIET_HOURS_SMS: 'off',
      FREQUENCY_CAP: 'off',
    });
    await loadWaveData(t, 12);
    waveId = (await peaceSmsWave(t, 'through acme')).id;
    await t.http().post(`/waves/${waveId}/launch`).set(t.as('staff')).expect(200);
    await waitFor(
      () => ledger(),
      (rows) => rows.length > 0 && rows.every((r) => r.status === 'sent'),
    );
  });
  afterAll(async () => {
    delete SMS_PROVIDERS.acme;
    await t.close();
  });

  const ledger = (): Promise<{ provider_id: string; address: string; status: string }[]> =>
    t.db.dataSource.query(
      `SELECT provider_id, address, status FROM messages WHERE wave_id = $1 AND status <> 'skipped' ORDER BY id`,
      [waveId],
    );
  const post = (path: string, body: object, signature = sign(`${PUBLIC}${path}`, body)) =>
    t.http().post(path).set('X-Acme-Signature', signature).send(body);

  it('sends the wave through the new driver', async () => {
    const rows = await ledger();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.provider_id).sort()).toEqual(sent.map((s) => s.id).sort());
  });

  it('takes a status report it signed, in its own words, for the one message it names', async () => {
    const [first, second] = await ledger();
    await post('/webhooks/acme/status', {
      id: first.provider_id,
      state: 'arrived',
      to: first.address,
    }).expect(204);
    const after = await ledger();
    expect(after.find((r) => r.provider_id === first.provider_id)?.status).toBe('delivered');
    expect(after.find((r) => r.provider_id === second.provider_id)?.status).toBe('sent');
  });

  it('refuses a report it did not sign, or signed for another address, and one in another encoding', async () => {
    const [, second] = await ledger();
    const body = { id: second.provider_id, state: 'arrived' };
    await post('/webhooks/acme/status', body, '00'.repeat(32)).expect(403);
    await post('/webhooks/acme/status', body, sign('https://evil.example/webhooks/acme/status', body)).expect(
      403,
    );
    await t.http().post('/webhooks/acme/status').type('form').send(body).expect(415);
    expect((await ledger()).find((r) => r.provider_id === second.provider_id)?.status).toBe('sent');
  });

  it('answers an inbound keyword in its own form, and withdraws consent on STOP', async () => {
    const [, second] = await ledger();
    const help = await post('/webhooks/acme/inbound', {
      id: 'in-1',
      from: second.address,
      text: 'HELP',
    }).expect(200);
    expect(help.type).toBe('application/json');
    expect((help.body as { reply: string }).reply).toMatch(/STOP/);
    await post('/webhooks/acme/inbound', { id: 'in-2', from: second.address, text: 'STOP' }).expect(200);
    const [{ given }] = await t.db.dataSource.query(
      `SELECT count(*)::int AS given FROM consent_current c JOIN contacts k ON k.id = c.contact_id
       WHERE k.phone = $1 AND c.channel = 'sms' AND c.status = 'confirmed'`,
      [second.address],
    );
    expect(given).toBe(0);
  });

  it('leaves the others at 404: a provider that does not call back, or none of that name', async () => {
    await t.http().post('/webhooks/outbox/status').send({}).expect(404);
    await t.http().post('/webhooks/constructor/status').send({}).expect(404);
  });
});
