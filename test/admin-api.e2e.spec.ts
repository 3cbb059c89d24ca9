import { tokenHash } from '../src/auth/passwords.js';
import { startTestApp, type TestApp } from './app.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface AuditEntry {
  id: string;
  at: string;
  action: string;
  entityType: string;
  entityId: string | null;
  details: Record<string, unknown>;
  staffUser: { id: string; name: string } | null;
}

describe('the admins’ API: the audit log, API keys, staff accounts and passwords', () => {
  let t: TestApp;
  let adminId: string;
  /** Every password and token the suite uses: none may ever reach the audit log. */
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ DISPATCH_IN_API: 'false' });
    adminId = (await t.http().get('/auth/me').set(t.as('admin')).expect(200)).body.id;
    secrets.push(
      ...Object.values(t.tokens),
      ...['admin', 'strategist', 'staff'].map((r) => `${r}-password-long`),
    );
  });
  afterAll(() => t.close());

  const admin = () => t.as('admin');
  const audit = async (query = '') =>
    (await t.http().get(`/audit${query}`).set(admin()).expect(200)).body as {
      items: AuditEntry[];
      total: number;
      page: number;
      perPage: number;
    };

  /** A new staff user, signed in: their id, session token and password. */
  async function newUser(role: 'admin' | 'staff' | 'strategist', email: string) {
    const password = `${email}-secret-pass`;
    const created = await t
      .http()
      .post('/staff-users')
      .set(admin())
      .send({ name: `User ${email}`, email, password, role })
      .expect(201);
    const login = await t.http().post('/auth/login').send({ email, password }).expect(200);
    secrets.push(password, login.body.token);
    return { id: created.body.id as string, token: login.body.token as string, password };
  }

  describe('API keys', () => {
    it('lists the keys without their secret: name, role, creator, use, revocation', async () => {
      const created = await t
        .http()
        .post('/auth/api-keys')
        .set(admin())
        .send({ name: 'nightly sync', expiresInDays: 30 })
        .expect(201);
      secrets.push(created.body.token);
      await t.http().get('/contacts').set(bearer(created.body.token)).expect(200);
      const list = (await t.http().get('/auth/api-keys').set(admin()).expect(200)).body as Record<
        string,
        unknown
      >[];
      const key = list.find((k) => k.id === created.body.id)!;
      expect(key).toEqual({
        id: created.body.id,
        name: 'nightly sync',
        role: 'admin',
        createdBy: { id: adminId, name: 'admin' },
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        lastUsedAt: expect.any(String),
        revokedAt: null,
        active: true,
      });
      const text = JSON.stringify(list);
      expect(text).not.toContain(created.body.token);
      expect(text).not.toContain(tokenHash(created.body.token));

      await t.http().delete(`/auth/api-keys/${created.body.id}`).set(admin()).expect(204);
      const after = (await t.http().get('/auth/api-keys').set(admin()).expect(200)).body as Record<
        string,
        unknown
      >[];
      expect(after.find((k) => k.id === created.body.id)).toMatchObject({
        revokedAt: expect.any(String),
        active: false,
      });
      await t.http().get('/auth/api-keys').set(t.as('staff')).expect(403);
      await t.http().get('/auth/api-keys').set(t.as('strategist')).expect(403);
    });
  });

  describe('staff accounts', () => {
    it('renames and changes a role, which holds from the user’s next request', async () => {
      const user = await newUser('staff', 'rename@example.org');
      await t.http().get('/contacts').set(bearer(user.token)).expect(200);
      const res = await t
        .http()
        .patch(`/staff-users/${user.id}`)
        .set(admin())
        .send({ name: 'Renamed', role: 'strategist' })
        .expect(200);
      expect(res.body).toMatchObject({ id: user.id, name: 'Renamed', role: 'strategist', disabledAt: null });
      expect(res.body).not.toHaveProperty('passwordHash');
      await t.http().get('/contacts').set(bearer(user.token)).expect(403);
      const [entry] = (await audit(`?action=staff-user.update&entityId=${user.id}`)).items;
      expect(entry.details).toEqual({
        name: { from: 'User rename@example.org', to: 'Renamed' },
        role: { from: 'staff', to: 'strategist' },
        sessionsRevoked: 0,
      });
      await t.http().patch(`/staff-users/${user.id}`).set(admin()).send({ role: 'boss' }).expect(422);
      await t
        .http()
        .patch('/staff-users/5d0f8f2e-7f55-4d8e-9a61-0d7f3f3e6b11')
        .set(admin())
        .send({ name: 'x' })
        .expect(404);
    });

    it('disabling ends the sessions for good, refuses the login and stops the API keys until enabled again', async () => {
      const other = await newUser('admin', 'second-admin@example.org');
      const key = await t
        .http()
        .post('/auth/api-keys')
        .set(bearer(other.token))
        .send({ name: 'script' })
        .expect(201);
      secrets.push(key.body.token);
      await t.http().get('/auth/me').set(bearer(key.body.token)).expect(200);

      const res = await t
        .http()
        .patch(`/staff-users/${other.id}`)
        .set(admin())
        .send({ disabled: true })
        .expect(200);
      expect(res.body.disabledAt).toEqual(expect.any(String));
      await t.http().get('/auth/me').set(bearer(other.token)).expect(401);
      await t.http().get('/auth/me').set(bearer(key.body.token)).expect(401);
      const refused = await t
        .http()
        .post('/auth/login')
        .send({ email: 'second-admin@example.org', password: other.password })
        .expect(401);
      expect(refused.body.error).toBe('invalid_credentials');
      const keys = (await t.http().get('/auth/api-keys').set(admin()).expect(200)).body as Record<
        string,
        unknown
      >[];
      expect(keys.find((k) => k.id === key.body.id)).toMatchObject({ revokedAt: null, active: false });
      const [entry] = (await audit(`?action=staff-user.update&entityId=${other.id}`)).items;
      expect(entry.details).toEqual({ disabled: { from: false, to: true }, sessionsRevoked: 1 });

      await t.http().patch(`/staff-users/${other.id}`).set(admin()).send({ disabled: false }).expect(200);
      await t.http().get('/auth/me').set(bearer(other.token)).expect(401);
      await t.http().get('/auth/me').set(bearer(key.body.token)).expect(200);
      await t
        .http()
        .post('/auth/login')
        .send({ email: 'second-admin@example.org', password: other.password })
        .expect(200);
    });

    it('keeps an admin from disabling themself and the last active admin from going (409 with the reason)', async () => {
      const self = await t
        .http()
        .patch(`/staff-users/${adminId}`)
        .set(admin())
        .send({ disabled: true })
        .expect(409);
      expect(self.body).toMatchObject({ error: 'conflict', message: expect.stringMatching(/own account/) });

      const other = await newUser('admin', 'third-admin@example.org');
      const admins = await t.db.dataSource.query(
        `SELECT id FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ALL($1)`,
        [[adminId, other.id]],
      );
      for (const { id } of admins)
        await t.http().patch(`/staff-users/${id}`).set(admin()).send({ disabled: true }).expect(200);
      // Two active admins: the other one may step down, and then the last one may not.
      await t
        .http()
        .patch(`/staff-users/${other.id}`)
        .set(bearer(other.token))
        .send({ role: 'staff' })
        .expect(200);
      const last = await t
        .http()
        .patch(`/staff-users/${adminId}`)
        .set(admin())
        .send({ role: 'staff' })
        .expect(409);
      expect(last.body.message).toMatch(/last active admin/);
      await t.http().patch(`/staff-users/${adminId}`).set(admin()).send({ name: 'admin' }).expect(200);
      await t.http().patch(`/staff-users/${other.id}`).set(admin()).send({ role: 'admin' }).expect(200);

      // Two admins disabling each other at once: the admin rows are locked, so one of them stays.
      const [a, b] = await Promise.all([
        t.http().patch(`/staff-users/${other.id}`).set(admin()).send({ disabled: true }),
        t.http().patch(`/staff-users/${adminId}`).set(bearer(other.token)).send({ disabled: true }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, expect.any(Number)]);
      expect([401, 409]).toContain(Math.max(a.status, b.status));
      const active = await t.db.dataSource.query(
        `SELECT id FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL`,
      );
      expect(active).toHaveLength(1);
      // Put the suite's own admin back in charge, with a new session if theirs was ended.
      if (active[0].id !== adminId) {
        await t
          .http()
          .patch(`/staff-users/${adminId}`)
          .set(bearer(other.token))
          .send({ disabled: false })
          .expect(200);
        t.tokens.admin = (
          await t
            .http()
            .post('/auth/login')
            .send({ email: 'admin@example.org', password: 'admin-password-long' })
        ).body.token;
        secrets.push(t.tokens.admin);
      }
      await t.http().patch(`/staff-users/${other.id}`).set(admin()).send({ disabled: false }).expect(200);
    });
  });

  describe('passwords', () => {
    it('sets the password an admin gives, ends the user’s sessions, and the new password works', async () => {
      const user = await newUser('staff', 'reset@example.org');
      const second = await t
        .http()
        .post('/auth/login')
        .send({ email: 'reset@example.org', password: user.password })
        .expect(200);
      const res = await t
        .http()
        .post(`/staff-users/${user.id}/password`)
        .set(admin())
        .send({ password: 'a-brand-new-password' })
        .expect(200);
      secrets.push('a-brand-new-password');
      expect(res.body).toEqual({ generated: false, sessionsRevoked: 2 });
      await t.http().get('/auth/me').set(bearer(user.token)).expect(401);
      await t.http().get('/auth/me').set(bearer(second.body.token)).expect(401);
      await t
        .http()
        .post('/auth/login')
        .send({ email: 'reset@example.org', password: user.password })
        .expect(401);
      await t
        .http()
        .post('/auth/login')
        .send({ email: 'reset@example.org', password: 'a-brand-new-password' })
        .expect(200);
      const short = await t
        .http()
        .post(`/staff-users/${user.id}/password`)
        .set(admin())
        .send({ password: 'short' })
        .expect(422);
      expect(short.body.fields[0]).toMatchObject({ field: 'password' });
    });

    it('chooses a password when none is given and shows it once', async () => {
      const user = await newUser('strategist', 'generated@example.org');
      const res = await t.http().post(`/staff-users/${user.id}/password`).set(admin()).send({}).expect(200);
      expect(res.body).toEqual({
        generated: true,
        password: expect.stringMatching(/^[\w-]{24}$/),
        sessionsRevoked: 1,
      });
      secrets.push(res.body.password);
      await t.http().get('/auth/me').set(bearer(user.token)).expect(401);
      await t
        .http()
        .post('/auth/login')
        .send({ email: 'generated@example.org', password: res.body.password })
        .expect(200);
      const [entry] = (await audit(`?action=staff-user.password&entityId=${user.id}`)).items;
      expect(entry).toMatchObject({
        details: { generated: true, sessionsRevoked: 1 },
        staffUser: { id: adminId },
      });
    });

    it('keeps the session of an admin who resets their own password', async () => {
      const res = await t
        .http()
        .post(`/staff-users/${adminId}/password`)
        .set(admin())
        .send({ password: 'admin-password-long' })
        .expect(200);
      expect(res.body.generated).toBe(false);
      await t.http().get('/auth/me').set(admin()).expect(200);
    });
  });

  describe('the audit log', () => {
    it('pages newest first, with who did it (null for the CLI and the system)', async () => {
      const all = await audit('?perPage=500');
      expect(all.total).toBe(all.items.length);
      const times = all.items.map((e) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(all.items.find((e) => e.action === 'api-key.revoke')!.staffUser).toEqual({
        id: adminId,
        name: 'admin',
      });
      // The suite's first users were made without a signed-in admin, as the CLI makes them.
      const made = all.items.filter((e) => e.action === 'staff-user.create' && e.staffUser === null);
      expect(made.map((e) => e.details.role).sort()).toEqual(['admin', 'staff', 'strategist']);

      const first = await audit('?perPage=3&page=1');
      const second = await audit('?perPage=3&page=2');
      expect(first).toMatchObject({ total: all.total, page: 1, perPage: 3 });
      expect([...first.items, ...second.items].map((e) => e.id)).toEqual(
        all.items.slice(0, 6).map((e) => e.id),
      );
    });

    it('filters by action or the start of one, by staff user, by thing and by time', async () => {
      const all = (await audit('?perPage=500')).items;
      const exact = (await audit('?action=api-key.create&perPage=500')).items;
      expect(exact.length).toBeGreaterThan(1);
      expect(exact.every((e) => e.action === 'api-key.create')).toBe(true);
      const kind = (await audit('?action=api-key.&perPage=500')).items;
      expect(new Set(kind.map((e) => e.action))).toEqual(new Set(['api-key.create', 'api-key.revoke']));
      expect((await audit('?action=api-key&perPage=500')).total).toBe(0);

      const byAdmin = (await audit(`?staffUserId=${adminId}&perPage=500`)).items;
      expect(byAdmin.length).toBe(all.filter((e) => e.staffUser?.id === adminId).length);

      const revoked = all.find((e) => e.action === 'api-key.revoke')!;
      const about = (await audit(`?entityType=api-key&entityId=${revoked.entityId}`)).items;
      expect(about.map((e) => e.action)).toEqual(['api-key.revoke', 'api-key.create']);

      const middle = all[Math.floor(all.length / 2)];
      const since = (await audit(`?from=${encodeURIComponent(middle.at)}&perPage=500`)).items;
      const before = (await audit(`?to=${encodeURIComponent(middle.at)}&perPage=500`)).items;
      expect(since.length + before.length).toBe(all.length);
      expect(since.every((e) => e.at >= middle.at) && before.every((e) => e.at < middle.at)).toBe(true);
      const both = await audit(
        `?action=staff-user.&from=${encodeURIComponent(all[all.length - 1].at)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      );
      expect(both.items.every((e) => e.action.startsWith('staff-user.'))).toBe(true);
    });

    it('refuses bad filters and every role but admin', async () => {
      for (const query of ['?action=Wave.*', '?from=yesterday', '?staffUserId=42', '?perPage=501'])
        await t.http().get(`/audit${query}`).set(admin()).expect(422);
      await t.http().get('/audit').set(t.as('staff')).expect(403);
      await t.http().get('/audit').set(t.as('strategist')).expect(403);
      await t.http().get('/audit').expect(401);
    });

    it('never holds a password, a token, a key or a hash of one', async () => {
      const text = JSON.stringify((await audit('?perPage=500')).items);
      for (const secret of secrets) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(tokenHash(secret));
      }
      expect(text).not.toMatch(/\$argon2|password_?hash|vs_[sk]_/i);
    });
  });
});
