import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';

/** A key of MFA_KEYS (or the one kept in the database): `id` names it in what it encrypted or signed. */
export interface MfaKey {
  id: string;
  secret: string;
}

/** One key of its own for each use, derived from the configured secret. */
const derive = (key: MfaKey, use: 'totp-secret' | 'login-challenge') =>
  Buffer.from(hkdfSync('sha256', key.secret, '', use, 32));

/**
 * A TOTP secret as it is stored: AES-256-GCM under the first key, bound to its user (the id is authenticated data,
 * so a secret copied onto another account does not decrypt). `keyId.iv.tag.ciphertext`, base64url.
 */
export function encryptSecret(secret: string, userId: string, keys: MfaKey[]): string {
  const key = keys[0];
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(key, 'totp-secret'), iv);
  cipher.setAAD(Buffer.from(userId));
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [key.id, iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** The secret, or undefined when no key opens it (an unknown key id, another user's secret, a changed byte). */
export function decryptSecret(stored: string, userId: string, keys: MfaKey[]): string | undefined {
  const [keyId, iv, tag, data] = stored.split('.');
  const key = keys.find((k) => k.id === keyId);
  if (!key || !iv || !tag || !data) return undefined;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      derive(key, 'totp-secret'),
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAAD(Buffer.from(userId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}

/** What a challenge lets its holder do next: give a code, or enrol a second factor first. */
export type ChallengeKind = 'code' | 'enrol';

export interface ChallengeClaims {
  userId: string;
  kind: ChallengeKind;
  /** Unix seconds. */
  expires: number;
}

/** A challenge lives this long: enough to open an authenticator app (or to scan a QR code and type the first code). */
export const CHALLENGE_TTL_SECONDS = 10 * 60;

/**
 * Proof that the password was right, handed to the browser instead of a session:
 * `base64url(userId|kind|expires|keyId).base64url(HMAC-SHA256)`. It signs nobody in by itself.
 */
export function signChallenge(claims: ChallengeClaims, keys: MfaKey[]): string {
  const key = keys[0];
  const payload = Buffer.from([claims.userId, claims.kind, claims.expires, key.id].join('|')).toString(
    'base64url',
  );
  const mac = createHmac('sha256', derive(key, 'login-challenge')).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

/** The claims of a genuine, unexpired challenge; otherwise undefined. */
export function verifyChallenge(
  token: string,
  keys: MfaKey[],
  now = Date.now(),
): ChallengeClaims | undefined {
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined) return undefined;
  const fields = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  if (fields.length !== 4) return undefined;
  const [userId, kind, expires, keyId] = fields;
  const key = keys.find((k) => k.id === keyId);
  if (!key) return undefined;
  const expected = createHmac('sha256', derive(key, 'login-challenge')).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (given.toString('base64url') !== mac || (kind !== 'code' && kind !== 'enrol') || !/^\d+$/.test(expires))
    return undefined;
  if (Number(expires) * 1000 < now) return undefined;
  return { userId, kind, expires: Number(expires) };
}

/** A new TOTP secret: 160 random bits, base32 as authenticator apps take it. */
export const newTotpSecret = () => generateSecret({ length: 20 });

/** The `otpauth://` address a QR code carries: the app shows `issuer (label)` beside the codes. */
export const totpUri = (issuer: string, label: string, secret: string) =>
  generateURI({ issuer, label, secret });

/**
 * The time step of a valid code, or undefined. One step either side is accepted (a phone's clock drifts), and only
 * steps after `after`: a code that signed someone in once does not sign anyone in again.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  after: number | null,
  now = Date.now(),
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(now / 1000),
      epochTolerance: 30,
      ...(after !== null ? { afterTimeStep: after } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  } catch {
    return undefined;
  }
}

/** Letters and digits that cannot be mistaken for each other when read off paper (no 0/o, 1/l/i). */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODES = 10;

/** Ten codes of 16 characters (about 79 random bits each), written `abcd-efgh-jkmn-pqrs`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const chars = Array.from({ length: 16 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
    return chars.join('').replace(/(.{4})(?=.)/g, '$1-');
  });
}

/** A recovery code as typed (any case, spaces or dashes) in the form it is hashed in; undefined if it cannot be one. */
export function normaliseRecoveryCode(text: string): string | undefined {
  const plain = text.toLowerCase().replace(/[\s-]/g, '');
  return plain.length === 16 && [...plain].every((c) => RECOVERY_ALPHABET.includes(c)) ? plain : undefined;
}

/**
 * A recovery code is stored as its SHA-256 only. A slow hash is not needed: each code carries about 79 random bits,
 * far out of reach of guessing, unlike a password.
 */
export const recoveryCodeHash = (normalised: string) => createHash('sha256').update(normalised).digest('hex');
