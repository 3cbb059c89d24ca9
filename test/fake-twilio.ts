import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import type { TestApp } from './app.js';
import { PUBLIC } from './waves.js';

export interface SentSms {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
}

export interface FakeTwilio {
  url: string;
  accountSid: string;
  authToken: string;
  sent: SentSms[];
  /** Numbers that opted out at the carrier: sending to them answers 21610. */
  optedOut: Set<string>;
  /** Numbers Twilio calls invalid: sending to them answers 21211, quoting the number as Twilio does. */
  invalid: Set<string>;
  /** While true, every send answers 429. */
  rateLimited: boolean;
  /** When above 0, every n-th send fails, alternately with 429 and 500 (nothing is sent). */
  failEvery: number;
  /** When set, every accepted message gets this sid (a misbehaving provider, like a static mock). */
  fixedSid: string | null;
  /** While true, accepted sends are answered 201 with a body that is not the message resource. */
  garbage: boolean;
  /** Sends answered, including the failed ones. */
  requests: number;
  /** Sends waiting for an answer while held. */
  held: number;
  /** From now on, sends wait for their answer until `release()`: the sender's requests are in flight. */
  hold(): void;
  /** Answers the waiting sends, and the next ones at once. */
  release(): void;
  close(): Promise<void>;
}

const MORE_INFO = 'https://www.twilio.com/docs/errors/';

/**
 * A Twilio-compatible Messages API on 127.0.0.1, answering as Twilio's OpenAPI description (twilio_api_v2010.json)
 * says: 201 with the message resource; Twilio's error JSON ({ code, message, more_info, status }) otherwise.
 */
export async function startFakeTwilio(): Promise<FakeTwilio> {
  let waiting: (() => void)[] | null = null;
  const fake: Omit<FakeTwilio, 'url' | 'close'> = {
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    sent: [],
    optedOut: new Set(),
    invalid: new Set(),
    rateLimited: false,
    failEvery: 0,
    fixedSid: null,
    garbage: false,
    requests: 0,
    held: 0,
    hold: () => void (waiting ??= []),
    release: () => {
      const answers = waiting ?? [];
      waiting = null;
      fake.held = 0;
      for (const answer of answers) answer();
    },
  };
  const error = (res: ServerResponse, status: number, code: number, message: string) =>
    res
      .writeHead(status, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ code, message, more_info: `${MORE_INFO}${code}`, status }));

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      if (!waiting) return answer();
      waiting.push(answer);
      fake.held++;
    });
    const answer = () => {
      const path = `/2010-04-01/Accounts/${fake.accountSid}/Messages.json`;
      if (req.method !== 'POST' || req.url !== path)
        return error(res, 404, 20404, 'The requested resource was not found');
      const expected = `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return error(res, 401, 20003, 'Authenticate');
      if (fake.rateLimited) return error(res, 429, 20429, 'Too Many Requests');
      fake.requests++;
      if (fake.failEvery > 0 && fake.requests % fake.failEvery === 0)
        return fake.requests % (2 * fake.failEvery) === 0
          ? error(res, 500, 20500, 'Internal Server Error')
          : error(res, 429, 20429, 'Too Many Requests');
      const form = new URLSearchParams(raw);
      const to = form.get('To') ?? '';
      if (!/^\+[1-9]\d{6,14}$/.test(to) || fake.invalid.has(to))
        return error(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      if (!form.get('From') && !form.get('MessagingServiceSid'))
        return error(
          res,
          400,
          21603,
          "A 'From' or 'MessagingServiceSid' parameter is required to send a message",
        );
      if (fake.optedOut.has(to)) return error(res, 400, 21610, 'Attempt to send to unsubscribed recipient');
      const sid = fake.fixedSid ?? `SM${randomBytes(16).toString('hex')}`;
      const body = form.get('Body') ?? '';
      fake.sent.push({
        sid,
        to,
        from: form.get('From'),
        messagingServiceSid: form.get('MessagingServiceSid'),
        body,
        statusCallback: form.get('StatusCallback'),
      });
      if (fake.garbage)
        return res
          .writeHead(201, { 'Content-Type': 'application/json' })
          .end('{"sid": "\\u0000\\u0000", "status": 7}');
      const now = new Date().toUTCString().replace('GMT', '+0000');
      res.writeHead(201, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({
          account_sid: fake.accountSid,
          api_version: '2010-04-01',
          body,
          date_created: now,
          date_sent: null,
          date_updated: now,
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          from: form.get('From'),
          messaging_service_sid: form.get('MessagingServiceSid'),
          num_media: '0',
          num_segments: '1',
          price: null,
          price_unit: 'USD',
          sid,
          status: 'queued',
          subresource_uris: { media: `/2010-04-01/Accounts/${fake.accountSid}/Messages/${sid}/Media.json` },
          to,
          uri: `/2010-04-01/Accounts/${fake.accountSid}/Messages/${sid}.json`,
        }),
      );
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign<typeof fake, Pick<FakeTwilio, 'url' | 'close'>>(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** The settings that point the app's SMS at this server, with the public URL its webhooks are signed for. */
export const twilioEnv = (fake: FakeTwilio) => ({
  PUBLIC_URL: PUBLIC,
  TWILIO_ACCOUNT_SID: fake.accountSid,
  TWILIO_AUTH_TOKEN: fake.authToken,
  TWILIO_FROM: '+4915730000000',
  TWILIO_API_URL: fake.url,
});

/** A POST to one of the app's Twilio webhooks as Twilio sends it: form-encoded, signed for the app's public URL. */
export function twilioWebhook(
  t: TestApp,
  fake: FakeTwilio,
  path: string,
  params: Record<string, string>,
  signature = twilio.getExpectedTwilioSignature(fake.authToken, `${PUBLIC}${path}`, params),
) {
  return t.http().post(path).type('form').set('X-Twilio-Signature', signature).send(params);
}
