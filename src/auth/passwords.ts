import argon2 from 'argon2';
import { createHash, randomBytes } from 'node:crypto';

/** Every way a staff password is set (creation, a reset, the CLI) asks at least this many characters. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

/** A password the service chooses: 144 random bits, 24 characters. */
export const generatePassword = () => randomBytes(18).toString('base64url');

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

export const verifyPassword = (hash: string, password: string) =>
  argon2.verify(hash, password).catch(() => false);

/** A bearer token with 256 random bits and a prefix that says what it is (vs_s_ session, vs_k_ API key). */
export function newToken(kind: 'session' | 'api-key'): string {
  return `${kind === 'session' ? 'vs_s_' : 'vs_k_'}${randomBytes(32).toString('base64url')}`;
}

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
