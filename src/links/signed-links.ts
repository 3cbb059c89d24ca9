import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Channel } from '../consent/consent.js';

export const LINK_ACTIONS = ['confirm', 'unsubscribe', 'preferences'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** What a link lets its holder do: one action for one contact on one channel (and purpose, or `*` for all). */
export interface LinkClaims {
  contactId: string;
  channel: Channel;
  purpose: string;
  action: LinkAction;
  /** Unix seconds. */
  expires: number;
  /** The campaign message the link came in, so that an opt-out through it counts for its wave; older links lack it. */
  messageId?: string;
}

export interface SigningKey {
  id: string;
  secret: string;
}

export type LinkCheck =
  { ok: true; claims: LinkClaims; keyId: string } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** Without and with the message id: links written before it was added keep working. */
const FIELD_COUNTS = [6, 7];

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/**
 * `base64url(contact|channel|purpose|action|expires|keyId[|message]).base64url(HMAC-SHA256(key, first part))`. The
 * first key signs; verification accepts any listed key, so a key can be rotated out while its links still work.
 */
export function signLink(claims: LinkClaims, keys: SigningKey[]): string {
  const key = keys[0];
  const fields = [
    claims.contactId,
    claims.channel,
    claims.purpose,
    claims.action,
    String(claims.expires),
    key.id,
    ...(claims.messageId ? [claims.messageId] : []),
  ];
  const payload = Buffer.from(fields.join('|')).toString('base64url');
  return `${payload}.${mac(key.secret, payload).toString('base64url')}`;
}

export function verifyLink(token: string, keys: SigningKey[], now = Date.now()): LinkCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || !/^[\w-]+$/.test(payload + signature))
    return { ok: false, reason: 'malformed' };
  const payloadBytes = Buffer.from(payload, 'base64url');
  const given = Buffer.from(signature, 'base64url');
  // Base64url has several spellings of the same bytes (the unused low bits of the last character): only the one we
  // write is a link we made, so an altered character can never pass.
  if (payloadBytes.toString('base64url') !== payload || given.toString('base64url') !== signature)
    return { ok: false, reason: 'forged' };
  const fields = payloadBytes.toString('utf8').split('|');
  if (!FIELD_COUNTS.includes(fields.length)) return { ok: false, reason: 'malformed' };
  const [contactId, channel, purpose, action, expires, keyId, messageId] = fields;
  const key = keys.find((k) => k.id === keyId);
  if (!key) return { ok: false, reason: 'forged' };
  const expected = mac(key.secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'forged' };
  if (
    (channel !== 'email' && channel !== 'sms') ||
    !(LINK_ACTIONS as readonly string[]).includes(action) ||
    !/^\d+$/.test(expires)
  )
    return { ok: false, reason: 'malformed' };
  if (Number(expires) * 1000 < now) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    keyId,
    claims: {
      contactId,
      channel,
      purpose,
      action: action as LinkAction,
      expires: Number(expires),
      ...(messageId ? { messageId } : {}),
    },
  };
}

/** `id:secret,id:secret` as in LINK_KEYS. */
export function parseKeys(text: string): SigningKey[] {
  return text.split(',').map((pair) => {
    const at = pair.indexOf(':');
    return { id: pair.slice(0, at), secret: pair.slice(at + 1) };
  });
}
