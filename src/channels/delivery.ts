/**
 * What a channel says about one send. `permanent` failures (a refused address, an opted-out number) are final;
 * transient ones (a busy server, a rate limit, a dropped connection) may succeed when tried again.
 */
export type SendOutcome =
  { ok: true; providerId: string } | { ok: false; permanent: boolean; code: string; reason: string };

/** Node's and nodemailer's codes for a server that could not be reached or answered too late. */
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ESOCKET',
  'EDNS',
]);

/** SMTP: 5xx replies are permanent, 4xx transient, as are connection problems; anything unknown is transient. */
export function smtpFailure(error: unknown): SendOutcome {
  const e = error as { responseCode?: number; code?: string; message?: string; response?: string };
  const reason = e.response ?? e.message ?? String(error);
  if (typeof e.responseCode === 'number')
    return { ok: false, permanent: e.responseCode >= 500, code: `smtp-${e.responseCode}`, reason };
  if (e.code && CONNECTION_CODES.has(e.code)) return { ok: false, permanent: false, code: e.code, reason };
  if (e.code === 'EENVELOPE') return { ok: false, permanent: true, code: e.code, reason };
  return { ok: false, permanent: false, code: e.code ?? 'unknown', reason };
}

/**
 * Twilio: a 4xx answer with an error code (21610 unsubscribed recipient, 21211 invalid number, 21614 not a mobile
 * number …) is permanent; 429, 5xx and failures to connect are transient.
 */
export function twilioFailure(error: unknown): SendOutcome {
  const e = error as { status?: number; code?: number | string; message?: string };
  const reason = e.message ?? String(error);
  if (typeof e.status === 'number') {
    const permanent = e.status >= 400 && e.status < 500 && e.status !== 429;
    return { ok: false, permanent, code: String(e.code ?? `http-${e.status}`), reason };
  }
  return { ok: false, permanent: false, code: typeof e.code === 'string' ? e.code : 'unknown', reason };
}

/** Twilio codes that mean the person does not want our messages: the number is withdrawn, not just failed. */
export const TWILIO_OPTED_OUT = '21610';

/** SMTP replies that say the mailbox does not exist: the address is dead, not just this message refused. */
const HARD_BOUNCES = new Set(['smtp-550', 'smtp-551', 'smtp-553']);

export function isHardBounce(outcome: SendOutcome): boolean {
  return !outcome.ok && HARD_BOUNCES.has(outcome.code);
}

/** The channel whose address a provider's code declares dead or opted out, if it does. */
export function refusedChannel(code: string): 'email' | 'sms' | null {
  return code === TWILIO_OPTED_OUT ? 'sms' : HARD_BOUNCES.has(code) ? 'email' : null;
}
