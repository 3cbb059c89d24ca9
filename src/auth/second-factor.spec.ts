import { generate } from 'otplib';
import {
  decryptSecret,
  encryptSecret,
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  signChallenge,
  verifyChallenge,
  verifyTotp,
} from './second-factor.js';

const KEYS = [{ id: 'k1', secret: 'a-server-key-of-at-least-32-characters!' }];
const OLD = [{ id: 'k0', secret: 'an-older-key-of-at-least-32-characters!' }];
const USER = '5d0f8f2e-7f55-4d8e-9a61-0d7f3f3e6b11';

describe('the stored TOTP secret', () => {
  it('is encrypted: not readable, different each time, and opened only for its user with a known key', () => {
    const secret = newTotpSecret();
    const stored = encryptSecret(secret, USER, KEYS);
    expect(stored).not.toContain(secret);
    expect(encryptSecret(secret, USER, KEYS)).not.toBe(stored);
    expect(decryptSecret(stored, USER, KEYS)).toBe(secret);
    expect(decryptSecret(stored, '00000000-0000-4000-8000-000000000000', KEYS)).toBeUndefined();
    expect(decryptSecret(stored, USER, OLD)).toBeUndefined();
    // A rotated key list still opens what the old first key encrypted.
    expect(decryptSecret(encryptSecret(secret, USER, OLD), USER, [...KEYS, ...OLD])).toBe(secret);
    const [id, iv, tag, data] = stored.split('.');
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] ^= 1;
    expect(decryptSecret([id, iv, tag, flipped.toString('base64url')].join('.'), USER, KEYS)).toBeUndefined();
  });
});

describe('the sign-in challenge', () => {
  const expires = Math.floor(Date.now() / 1000) + 600;

  it('carries its user and kind, and is refused when forged, altered or expired', () => {
    const token = signChallenge({ userId: USER, kind: 'code', expires }, KEYS);
    expect(verifyChallenge(token, KEYS)).toEqual({ userId: USER, kind: 'code', expires });
    expect(verifyChallenge(token, OLD)).toBeUndefined();
    expect(
      verifyChallenge(signChallenge({ userId: USER, kind: 'code', expires }, OLD), KEYS),
    ).toBeUndefined();
    const [payload, mac] = token.split('.');
    const other = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('|code|', '|enrol|'),
    ).toString('base64url');
    expect(verifyChallenge(`${other}.${mac}`, KEYS)).toBeUndefined();
    expect(verifyChallenge(token, KEYS, (expires + 1) * 1000)).toBeUndefined();
    expect(verifyChallenge('garbage', KEYS)).toBeUndefined();
  });
});

describe('codes', () => {
  it('accepts the current code and its neighbours, never one already used, nor anything else', async () => {
    const secret = newTotpSecret();
    const now = Date.now();
    const code = await generate({ secret, epoch: Math.floor(now / 1000) });
    const step = await verifyTotp(secret, code, null, now);
    expect(step).toBe(Math.floor(now / 30_000));
    expect(await verifyTotp(secret, code, step!, now)).toBeUndefined();
    const earlier = await generate({ secret, epoch: Math.floor(now / 1000) - 30 });
    expect(await verifyTotp(secret, earlier, null, now)).toBe(step! - 1);
    const old = await generate({ secret, epoch: Math.floor(now / 1000) - 300 });
    expect(await verifyTotp(secret, old, null, now)).toBeUndefined();
    expect(await verifyTotp(secret, 'abcdef', null, now)).toBeUndefined();
    expect(await verifyTotp(secret, '12345', null, now)).toBeUndefined();
  });

  it('makes ten distinct recovery codes that read back however they are typed', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const plain = normaliseRecoveryCode(codes[0]);
    expect(normaliseRecoveryCode(` ${codes[0].toUpperCase().replace(/-/g, ' ')} `)).toBe(plain);
    expect(normaliseRecoveryCode('123456')).toBeUndefined();
    expect(normaliseRecoveryCode('0000-0000-0000-0000')).toBeUndefined();
  });
});
