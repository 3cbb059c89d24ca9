import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SigningKey } from './signed-links.js';

/**
 * What a tracked link names: the row of `click_targets` (a wave × segment × template version × language, which
 * names nobody), the link's number in that version, and a random nonce drawn for one message at rendering and kept
 * nowhere but in the set of nonces seen per link, so that distinct nonces count distinct clickers without saying
 * who they are. Only for a person who gave the `analytics` consent does it also carry the message's id.
 */
export interface ClickClaims {
  target: number;
  link: number;
  /** 40 random bits. */
  nonce: number;
  messageId?: string;
}

/** The target ids and link numbers that fit; beyond them the token would outgrow an SMS's 24 characters. */
export const MAX_TARGET = 2 ** 21 - 1;
export const MAX_LINK = 63;
const NONCE_BYTES = 5;
const MAC_BYTES = 6;
const UUID_BYTES = 16;

/** A nonce for one message: 40 random bits, one chance in a trillion that two messages share it. */
export const NONCE_LIMIT = 2 ** (8 * NONCE_BYTES);

function mac(secret: string, payload: Buffer): Buffer {
  return createHmac('sha256', secret).update('click:').update(payload).digest().subarray(0, MAC_BYTES);
}

/** 7 bits a byte, low first; the high bit says another byte follows. */
function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
  out.push(n);
  return out;
}

/**
 * `base64url(varint(target) ‖ link·2+hasMessage ‖ nonce(5) ‖ [message id(16)] ‖ HMAC-SHA256(key, …)[0..6])`: at
 * most 15 bytes, 20 characters, without a message id. No key id: a token is checked against each listed key (there
 * are one or two), so a key can be rotated out while its links still work. A forger guesses 48 bits.
 */
export function signClick(claims: ClickClaims, keys: SigningKey[]): string {
  const { target, link, nonce, messageId } = claims;
  if (!Number.isInteger(target) || target < 1 || target > MAX_TARGET)
    throw new RangeError(`click target ${target}`);
  if (!Number.isInteger(link) || link < 0 || link > MAX_LINK) throw new RangeError(`link number ${link}`);
  const nonceBytes = Buffer.alloc(NONCE_BYTES);
  nonceBytes.writeUIntBE(nonce, 0, NONCE_BYTES);
  const payload = Buffer.concat([
    Buffer.from([...varint(target), link * 2 + (messageId ? 1 : 0)]),
    nonceBytes,
    messageId ? Buffer.from(messageId.replace(/-/g, ''), 'hex') : Buffer.alloc(0),
  ]);
  return Buffer.concat([payload, mac(keys[0].secret, payload)]).toString('base64url');
}

const uuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** The claims of a genuine token, or null for anything else (malformed, altered, or signed by no listed key). */
export function verifyClick(token: string, keys: SigningKey[]): ClickClaims | null {
  if (!/^[\w-]{1,60}$/.test(token)) return null;
  const bytes = Buffer.from(token, 'base64url');
  // One spelling per token: the unused low bits of the last character must be as written.
  if (bytes.toString('base64url') !== token || bytes.length < 2 + NONCE_BYTES + MAC_BYTES) return null;
  const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
  const given = bytes.subarray(bytes.length - MAC_BYTES);
  if (!keys.some((k) => timingSafeEqual(given, mac(k.secret, payload)))) return null;
  let target = 0;
  let at = 0;
  for (let scale = 1; ; scale *= 0x80) {
    if (at >= 3) return null;
    const byte = payload[at++];
    target += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
  }
  const flags = payload[at++];
  const withMessage = (flags & 1) === 1;
  if (
    payload.length !== at + NONCE_BYTES + (withMessage ? UUID_BYTES : 0) ||
    target < 1 ||
    flags >> 1 > MAX_LINK
  )
    return null;
  const claims: ClickClaims = { target, link: flags >> 1, nonce: payload.readUIntBE(at, NONCE_BYTES) };
  if (withMessage) claims.messageId = uuid(payload.subarray(at + NONCE_BYTES).toString('hex'));
  return claims;
}
