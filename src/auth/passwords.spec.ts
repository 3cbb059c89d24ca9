import { loadConfig } from '../config/config.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** The `m`, `t` and `p` of an encoded argon2id hash (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`, in any order). */
const parameters = (hash: string) => {
  const [, type, version, params] = hash.split('$');
  expect([type, version]).toEqual(['argon2id', 'v=19']);
  return Object.fromEntries(params.split(',').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]));
};

describe('password hashes', () => {
  it('are argon2id at the production cost unless configured otherwise (64 MiB, 3 passes, 4 lanes)', async () => {
    const hash = await hashPassword('a-long-password', loadConfig({}).PASSWORD_HASH_COST);
    expect(parameters(hash)).toEqual({ m: 65536, t: 3, p: 4 });
    expect(await verifyPassword(hash, 'a-long-password')).toBe(true);
    expect(await verifyPassword(hash, 'another-password')).toBe(false);
  });

  it('are cheap at the test cost, and verify like any other', async () => {
    const hash = await hashPassword(
      'a-long-password',
      loadConfig({ PASSWORD_HASH_COST: 'test' }).PASSWORD_HASH_COST,
    );
    expect(parameters(hash)).toEqual({ m: 1024, t: 1, p: 1 });
    expect(await verifyPassword(hash, 'a-long-password')).toBe(true);
    expect(await verifyPassword(hash, 'another-password')).toBe(false);
  });

  it('accept only the known costs', () => {
    expect(() => loadConfig({ PASSWORD_HASH_COST: 'cheap' })).toThrow(/PASSWORD_HASH_COST/);
  });
});
