import argon2 from 'argon2';
import { createHash, randomBytes } from 'node:crypto';

/** Every way a staff password is set (creation, a reset, the CLI) asks at least this many characters. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

/** A password the service chooses: 144 random bits, 24 characters. */
export const generatePassword = () => randomBytes(18).toString('base64url');

/**
 * argon2id's parameters. `production` is what every installation uses: 64 MiB, three passes, four lanes (the argon2
 * library's defaults, written out so an upgrade cannot change them unnoticed). `test` is cheap, for the test suite
 * only, where hundreds of staff users are created and sign in: it must never protect a real password.
 */
export const PASSWORD_HASH_PARAMETERS = {
  production: { memoryCost: 65536, timeCost: 3, parallelism: 4 },
  test: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
} as const;

export type PasswordHashCost = keyof typeof PASSWORD_HASH_PARAMETERS;

export const hashPassword = (password: string, cost: PasswordHashCost) =>
  argon2.hash(password, { type: argon2.argon2id, ...PASSWORD_HASH_PARAMETERS[cost] });

/** Any argon2 hash verifies, whatever its cost: the hash names its own parameters. */

export const verifyPassword = (hash: string, password: string) =>
  argon2.verify(hash, password).catch(() => false);

/** A bearer token with 256 random bits and a prefix that says what it is (vs_s_ session, vs_k_ API key). */
export function newToken(kind: 'session' | 'api-key'): string {
  return `${kind === 'session' ? 'vs_s_' : 'vs_k_'}${randomBytes(32).toString('base64url')}`;
}

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
