import { AuthService } from '../src/auth/auth.service.js';
import { AppError } from '../src/common/errors.js';
import { startServices, type TestServices } from './services.js';

describe('staff accounts, through the service (no HTTP)', () => {
  let s: TestServices;
  let auth: AuthService;

  beforeAll(async () => {
    s = await startServices();
    auth = s.app.get(AuthService);
  });
  afterAll(() => s.close());

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (e: unknown) => (e instanceof AppError ? e.message : String(e)),
    );

  it('creates an account once per address, whatever its case, and audits who made it', async () => {
    const dto = {
      name: 'Rosa',
      email: 'Rosa@Example.org',
      password: 'a-long-password-1',
      role: 'staff' as const,
    };
    const created = await auth.createUser(dto, null, { via: 'cli' });
    expect(created).toMatchObject({ email: 'rosa@example.org', role: 'staff', secondFactor: false });
    expect(await refusal(auth.createUser({ ...dto, email: 'ROSA@example.org' }, null))).toMatch(/exists/);
    const audit = await s.db.dataSource.query(
      `SELECT staff_user_id, details FROM audit_log WHERE action = 'staff-user.create' AND entity_id = $1`,
      [created.id],
    );
    expect(audit).toEqual([
      { staff_user_id: null, details: { email: 'rosa@example.org', role: 'staff', via: 'cli' } },
    ]);
  });

  it('signs in with the right password only, and says the same for an unknown address', async () => {
    expect(await auth.login('rosa@example.org', 'a-long-password-1')).toHaveProperty('token');
    const wrong = await refusal(auth.login('rosa@example.org', 'a-long-password-2'));
    expect(wrong).toBe('Wrong email or password');
    expect(await refusal(auth.login('nobody@example.org', 'a-long-password-1'))).toBe(wrong);
  });

  it('resets no second factor that is not there, and none of an unknown address', async () => {
    expect(await refusal(auth.resetSecondFactorFromCli('rosa@example.org'))).toMatch(/has no second factor/);
    expect(await refusal(auth.resetSecondFactorFromCli('nobody@example.org'))).toMatch(/No staff user/);
  });
});
