import { generate } from 'otplib';
import type { Response } from 'supertest';
import { startTestApp, type TestApp } from './app.js';

/** The service's own origin: PUBLIC_URL, which is http://HOST:PORT unless configured. */
const OWN = 'http://127.0.0.1:3000';

/** The code an authenticator app shows now, or `steps` periods of 30 s later (one step either side is accepted). */
const codeOf = (secret: string, steps = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

function sessionCookie(res: Response): string | undefined {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return lines.find((l) => l.startsWith('vs_session='))?.split(';')[0];
}

describe('a second factor for staff sign-in (MFA_REQUIRED_ROLES=admin)', () => {
  let t: TestApp;
  const admin = () => t.as('admin');

  beforeAll(async () => {
    t = await startTestApp({ MFA_REQUIRED_ROLES: 'admin' });
  });
  afterAll(() => t.close());

  async function createUser(name: string, role: 'admin' | 'strategist' | 'staff') {
    const email = `${name}@example.org`;
    const password = `${name}-password-long`;
    const res = await t
      .http()
      .post('/staff-users')
      .set(admin())
      .send({ name, email, password, role })
      .expect(201);
    expect(res.body.secondFactor).toBe(false);
    return { id: res.body.id as string, email, password };
  }

  const login = (user: { email: string; password: string }, session?: 'cookie') =>
    t
      .http()
      .post('/auth/login')
      .set('Origin', OWN)
      .send({ email: user.email, password: user.password, ...(session ? { session } : {}) });

  const secondStep = (challenge: string, code: string, session?: 'cookie') =>
    t
      .http()
      .post('/auth/login/second-factor')
      .set('Origin', OWN)
      .send({ challenge, code, ...(session ? { session } : {}) });

  /** An admin who has signed in once, enrolling as their role asks: their secret and recovery codes. */
  async function enrolledAdmin(name: string) {
    const user = await createUser(name, 'admin');
    const { challenge } = (await login(user).expect(200)).body;
    const { secret } = (await t.http().post('/auth/login/enrolment').send({ challenge }).expect(200)).body;
    const done = (await secondStep(challenge, await codeOf(secret)).expect(200)).body;
    return { ...user, secret: secret as string, recoveryCodes: done.recoveryCodes as string[] };
  }

  it('asks an admin who has no second factor to set one up before any session, and confirms it with a first code', async () => {
    const user = await createUser('neu-admin', 'admin');
    const first = await login(user, 'cookie').expect(200);
    expect(first.body).toEqual({
      secondFactor: 'enrol',
      challenge: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(sessionCookie(first)).toBeUndefined();
    const { challenge } = first.body;
    // The challenge is no session.
    await t.http().get('/auth/me').set('Authorization', `Bearer ${challenge}`).expect(401);
    const before = (
      await t.http().get('/auth/session').set('Authorization', `Bearer ${challenge}`).expect(200)
    ).body;
    expect(before).toEqual({ user: null, expiresAt: null });
    // Without a QR code asked for, there is nothing to confirm.
    await secondStep(challenge, '123456').expect(409);

    const enrolment = await t.http().post('/auth/login/enrolment').send({ challenge }).expect(200);
    expect(enrolment.body).toEqual({
      secret: expect.stringMatching(/^[A-Z2-7]{32}$/),
      otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\/.*neu-admin%40example\.org\?.*secret=/),
      qrCode: expect.stringMatching(/^data:image\/svg\+xml;base64,/),
    });
    const svg = Buffer.from(enrolment.body.qrCode.split(',')[1], 'base64').toString();
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const { secret } = enrolment.body;

    const wrong = await secondStep(challenge, '000000', 'cookie').expect(401);
    expect(wrong.body.message).toBe('Wrong code');
    expect(sessionCookie(wrong)).toBeUndefined();

    const done = await secondStep(challenge, await codeOf(secret), 'cookie').expect(200);
    expect(done.body).toEqual({
      session: 'cookie',
      expiresAt: expect.any(String),
      role: 'admin',
      recoveryCodes: expect.arrayContaining([expect.stringMatching(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/)]),
    });
    expect(new Set(done.body.recoveryCodes).size).toBe(10);
    const cookie = sessionCookie(done)!;
    const session = await t.http().get('/auth/session').set('Cookie', cookie).expect(200);
    expect(session.body.user).toMatchObject({
      email: 'neu-admin@example.org',
      role: 'admin',
      secondFactor: true,
    });

    // Stored so that neither the database nor any answer shows it: encrypted secret, hashed recovery codes.
    const [row] = await t.db.dataSource.query(
      `SELECT mfa_secret, mfa_pending_secret, mfa_recovery_codes::text AS codes FROM staff_users WHERE id = $1`,
      [user.id],
    );
    expect(row.mfa_secret).toBeTruthy();
    expect(row.mfa_secret).not.toContain(secret);
    expect(row.mfa_pending_secret).toBeNull();
    for (const code of done.body.recoveryCodes as string[]) {
      expect(row.codes).not.toContain(code);
      expect(row.codes).not.toContain(code.replace(/-/g, ''));
    }
    const everything = JSON.stringify([
      (await t.http().get('/staff-users').set(admin()).expect(200)).body,
      (await t.http().get('/audit?perPage=500').set(admin()).expect(200)).body,
      (await t.http().get('/auth/me/second-factor').set('Cookie', cookie).expect(200)).body,
    ]);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(done.body.recoveryCodes[0]);
    // Set up once: another enrolment is refused until an admin resets it.
    await t.http().post('/auth/me/second-factor').set('Cookie', cookie).set('Origin', OWN).expect(409);
  });

  it('then asks for a code at every sign-in: a wrong one is refused, a code works once, a recovery code once', async () => {
    const user = await enrolledAdmin('code-admin');
    const challengeOf = async () => {
      const res = await login(user).expect(200);
      expect(res.body).toMatchObject({ secondFactor: 'code' });
      expect(res.body).not.toHaveProperty('token');
      return res.body.challenge as string;
    };
    let challenge = await challengeOf();
    // A code challenge does not show the secret again.
    await t.http().post('/auth/login/enrolment').send({ challenge }).expect(401);
    await secondStep(challenge, '000000').expect(401);
    await secondStep(challenge, 'not-a-code').expect(401);
    await secondStep('forged.challenge', await codeOf(user.secret, 1)).expect(401);

    const next = await codeOf(user.secret, 1);
    const signedIn = await secondStep(challenge, next).expect(200);
    expect(signedIn.body).toEqual({
      token: expect.stringMatching(/^vs_s_/),
      expiresAt: expect.any(String),
      role: 'admin',
    });
    await t.http().get('/auth/me').set('Authorization', `Bearer ${signedIn.body.token}`).expect(200);
    // The same code, or an earlier one, does not sign anyone in again.
    challenge = await challengeOf();
    await secondStep(challenge, next).expect(401);
    await secondStep(challenge, await codeOf(user.secret)).expect(401);

    const recovery = user.recoveryCodes[3];
    await secondStep(challenge, recovery.toUpperCase().replace(/-/g, ' ')).expect(200);
    await secondStep(await challengeOf(), recovery).expect(401);
    const status = await t
      .http()
      .get('/auth/me/second-factor')
      .set('Authorization', `Bearer ${signedIn.body.token}`)
      .expect(200);
    expect(status.body).toEqual({
      enabled: true,
      enabledAt: expect.any(String),
      required: true,
      recoveryCodesLeft: 9,
    });
    const logins = await t
      .http()
      .get(`/audit?action=auth.login&entityId=${user.id}`)
      .set(admin())
      .expect(200);
    expect(logins.body.items.map((e: { details: object }) => e.details)).toEqual([
      { secondFactor: 'recovery-code' },
      { secondFactor: 'totp' },
      { secondFactor: 'enrolled' },
    ]);
  });

  it('stops an account after five wrong codes, whatever address they come from', async () => {
    const user = await enrolledAdmin('guessed-admin');
    const { challenge } = (await login(user).expect(200)).body;
    for (let i = 0; i < 5; i++) await secondStep(challenge, String(100000 + i)).expect(401);
    const stopped = await secondStep(challenge, await codeOf(user.secret, 1)).expect(429);
    expect(stopped.body.message).toMatch(/Too many wrong codes/);
  });

  it('lets staff of other roles sign in without one, and set one up of their own accord', async () => {
    const user = await createUser('freiwillig', 'staff');
    const plain = await login(user).expect(200);
    const token = plain.body.token as string;
    expect(token).toMatch(/^vs_s_/);
    const bearer = { Authorization: `Bearer ${token}` };
    expect((await t.http().get('/auth/me/second-factor').set(bearer).expect(200)).body).toEqual({
      enabled: false,
      enabledAt: null,
      required: false,
      recoveryCodesLeft: 0,
    });
    await t.http().put('/auth/me/second-factor').set(bearer).send({ code: '123456' }).expect(409);
    const { secret } = (await t.http().post('/auth/me/second-factor').set(bearer).expect(200)).body;
    await t.http().put('/auth/me/second-factor').set(bearer).send({ code: '000000' }).expect(401);
    const confirmed = await t
      .http()
      .put('/auth/me/second-factor')
      .set(bearer)
      .send({ code: await codeOf(secret) })
      .expect(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    const next = await login(user).expect(200);
    expect(next.body.secondFactor).toBe('code');
    await secondStep(next.body.challenge, await codeOf(secret, 1)).expect(200);
  });

  it('leaves API keys as they are: no second factor, and none set up with one', async () => {
    const key = (await t.http().post('/auth/api-keys').set(admin()).send({ name: 'sync' }).expect(201)).body
      .token;
    const bearer = { Authorization: `Bearer ${key}` };
    await t.http().get('/contacts').set(bearer).expect(200);
    const refused = await t.http().post('/auth/me/second-factor').set(bearer).expect(400);
    expect(refused.body.message).toMatch(/API key/);
  });

  it('lets an admin reset a user’s second factor: audited, their sessions end, and they enrol again', async () => {
    const user = await enrolledAdmin('lost-phone');
    const { challenge } = (await login(user).expect(200)).body;
    const token = (await secondStep(challenge, await codeOf(user.secret, 1)).expect(200)).body.token;
    await t
      .http()
      .delete(`/staff-users/${user.id}/second-factor`)
      .set('Authorization', `Bearer ${t.tokens.strategist}`)
      .expect(403);
    const reset = await t.http().delete(`/staff-users/${user.id}/second-factor`).set(admin()).expect(200);
    expect(reset.body).toEqual({ sessionsRevoked: 2 });
    await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    await t.http().delete(`/staff-users/${user.id}/second-factor`).set(admin()).expect(409);
    const audit = await t
      .http()
      .get(`/audit?action=staff-user.second-factor.reset&entityId=${user.id}`)
      .set(admin())
      .expect(200);
    const me = (await t.http().get('/auth/me').set(admin()).expect(200)).body;
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'staff-user.second-factor.reset',
        entityType: 'staff-user',
        entityId: user.id,
        staffUser: { id: me.id, name: 'admin' },
        details: { sessionsRevoked: 2 },
      }),
    ]);
    const listed = (await t.http().get('/staff-users').set(admin()).expect(200)).body;
    expect(listed.find((u: { id: string }) => u.id === user.id).secondFactor).toBe(false);
    // The old factor and its recovery codes are gone; the role still needs one, so the next sign-in enrols.
    const again = await login(user).expect(200);
    expect(again.body.secondFactor).toBe('enrol');
    await secondStep(again.body.challenge, user.recoveryCodes[0]).expect(409);
  });
});

describe('GET /auth/session: the current session or none, never a 401', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers none without a session, the user with one, and none (clearing the cookie) once it has ended', async () => {
    const none = await t.http().get('/auth/session').expect(200);
    expect(none.body).toEqual({ user: null, expiresAt: null });
    expect(sessionCookie(none)).toBeUndefined();

    const login = await t
      .http()
      .post('/auth/login')
      .set('Origin', OWN)
      .send({ email: 'staff@example.org', password: 'staff-password-long', session: 'cookie' })
      .expect(200);
    const cookie = sessionCookie(login)!;
    const current = await t.http().get('/auth/session').set('Cookie', cookie).expect(200);
    expect(current.body).toEqual({
      user: {
        id: expect.any(String),
        name: 'staff',
        email: 'staff@example.org',
        role: 'staff',
        language: 'de',
        secondFactor: false,
      },
      expiresAt: login.body.expiresAt,
    });
    const bearer = await t
      .http()
      .get('/auth/session')
      .set('Authorization', `Bearer ${t.tokens.admin}`)
      .expect(200);
    expect(bearer.body.user.role).toBe('admin');

    await t.http().post('/auth/logout').set('Cookie', cookie).set('Origin', OWN).expect(204);
    const ended = await t.http().get('/auth/session').set('Cookie', cookie).expect(200);
    expect(ended.body).toEqual({ user: null, expiresAt: null });
    expect(sessionCookie(ended)).toBe('vs_session=');
    await t.http().get('/auth/session').set('Authorization', 'Bearer vs_s_forged').expect(200);
  });
});
