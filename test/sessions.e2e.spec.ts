import type { Response } from 'supertest';
import { tokenHash } from '../src/auth/passwords.js';
import { ConsentService } from '../src/consent/consent.service.js';
import { LinkService } from '../src/links/link.service.js';
import { startTestApp, type TestApp } from './app.js';
import { runImport, tempFile } from './imports.js';

/** The service's own origin: PUBLIC_URL, which is http://HOST:PORT unless configured. */
const OWN = 'http://127.0.0.1:3000';
const FOREIGN = 'https://evil.example';
const ADMIN = { email: 'admin@example.org', password: 'admin-password-long' };

/** The Set-Cookie line for the session cookie, if the answer set one. */
function sessionCookieLine(res: Response): string | undefined {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return lines.find((l) => l.startsWith('vs_session='));
}

/** The attributes of a Set-Cookie line, lower-cased names: `{ httponly: '', 'max-age': '43200', … }`. */
function attributes(line: string): Record<string, string> {
  return Object.fromEntries(
    line
      .split(';')
      .slice(1)
      .map((part) => {
        const [name, ...value] = part.trim().split('=');
        return [name.toLowerCase(), value.join('=')];
      }),
  );
}

describe('browser sessions: the HttpOnly cookie, its same-origin rule, logout and the user’s language', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_ATTEMPTS_PER_MINUTE: '100', SESSION_TTL_SECONDS: '7200' });
  });
  afterAll(() => t.close());

  /** Signs in the way the web app does, from its own page; returns the cookie to send back. */
  async function cookieLogin(credentials = ADMIN): Promise<string> {
    const res = await t
      .http()
      .post('/auth/login')
      .set('Origin', OWN)
      .send({ ...credentials, session: 'cookie' })
      .expect(200);
    const line = sessionCookieLine(res);
    expect(line).toBeDefined();
    return line!.split(';')[0];
  }

  it('answers 401 without a cookie or token, and with a made-up cookie', async () => {
    await t.http().get('/auth/me').expect(401);
    const res = await t.http().get('/auth/me').set('Cookie', 'vs_session=vs_s_forged').expect(401);
    expect(res.body.message).toMatch(/sign in/i);
  });

  it('sets an HttpOnly, SameSite=Strict cookie for the whole site, as long-lived as the session, and keeps the token out of the body', async () => {
    const res = await t
      .http()
      .post('/auth/login')
      .set('Origin', OWN)
      .send({ ...ADMIN, session: 'cookie' })
      .expect(200);
    const line = sessionCookieLine(res)!;
    const token = line.split(';')[0].slice('vs_session='.length);
    expect(token).toMatch(/^vs_s_[A-Za-z0-9_-]{43}$/);
    const attrs = attributes(line);
    expect(attrs).toHaveProperty('httponly');
    expect(attrs.samesite).toBe('Strict');
    expect(attrs.path).toBe('/');
    expect(Number(attrs['max-age'])).toBeGreaterThan(7190);
    expect(Number(attrs['max-age'])).toBeLessThanOrEqual(7200);
    // Plain http, and PUBLIC_URL is http: a Secure cookie would never come back.
    expect(attrs).not.toHaveProperty('secure');
    expect(res.body).toEqual({ session: 'cookie', expiresAt: expect.any(String), role: 'admin' });
    expect(JSON.stringify(res.body)).not.toContain(token);
    expect(new Date(res.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(7190_000);
  });

  it('still gives scripts the token in the body, and no cookie, when they do not ask for one', async () => {
    const res = await t.http().post('/auth/login').send(ADMIN).expect(200);
    expect(res.body).toEqual({
      token: expect.stringMatching(/^vs_s_/),
      expiresAt: expect.any(String),
      role: 'admin',
    });
    expect(sessionCookieLine(res)).toBeUndefined();
    await t.http().get('/auth/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
  });

  it('signs GET /auth/me with the cookie: who is signed in, their role and language', async () => {
    const cookie = await cookieLogin({ email: 'staff@example.org', password: 'staff-password-long' });
    const res = await t.http().get('/auth/me').set('Cookie', cookie).expect(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'staff',
      email: 'staff@example.org',
      role: 'staff',
      language: 'de',
      secondFactor: false,
    });
    // A GET is not a change: no Origin needed, roles apply as with a bearer token.
    await t.http().get('/contacts').set('Cookie', cookie).expect(200);
    await t.http().get('/staff-users').set('Cookie', cookie).expect(403);
  });

  it('refuses a change signed by the cookie that comes from another site, and changes nothing', async () => {
    const cookie = await cookieLogin();
    const fromEvil = await t
      .http()
      .put('/auth/me')
      .set('Cookie', cookie)
      .set('Origin', FOREIGN)
      .send({ language: 'en' })
      .expect(403);
    expect(fromEvil.body.message).toContain(FOREIGN);
    expect(fromEvil.body.message).toMatch(/Authorization: Bearer/);
    await t
      .http()
      .put('/auth/me')
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'cross-site')
      .send({ language: 'en' })
      .expect(403);
    // Neither Sec-Fetch-Site, Origin nor Referer: not the web app (curl with a stolen cookie, say).
    const bare = await t.http().put('/auth/me').set('Cookie', cookie).send({ language: 'en' }).expect(403);
    expect(bare.body.message).toMatch(/no Sec-Fetch-Site, Origin or Referer/);
    await t
      .http()
      .post('/auth/api-keys')
      .set('Cookie', cookie)
      .set('Origin', FOREIGN)
      .send({ name: 'planted' })
      .expect(403);
    expect((await t.http().get('/auth/me').set('Cookie', cookie).expect(200)).body.language).toBe('de');
    const keys = await t.db.dataSource.query(`SELECT 1 FROM staff_tokens WHERE name = 'planted'`);
    expect(keys).toEqual([]);
  });

  it('accepts a change signed by the cookie from the service’s own pages, and keeps the language on the user', async () => {
    const cookie = await cookieLogin({
      email: 'strategist@example.org',
      password: 'strategist-password-long',
    });
    const res = await t
      .http()
      .put('/auth/me')
      .set('Cookie', cookie)
      .set('Origin', OWN)
      .send({ language: 'en' })
      .expect(200);
    expect(res.body).toMatchObject({ email: 'strategist@example.org', role: 'strategist', language: 'en' });
    // A browser with web security off (as test browsers run) sends no Origin, but Sec-Fetch-Site and a Referer.
    await t
      .http()
      .put('/auth/me')
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Referer', `${OWN}/app/`)
      .send({ language: 'en' })
      .expect(200);
    // The address the request was sent to is the service's own, too (a proxy that passes the Host on).
    await t
      .http()
      .put('/auth/me')
      .set('Cookie', cookie)
      .set('Host', 'kampagne.internal:8080')
      .set('Origin', 'http://kampagne.internal:8080')
      .send({ language: 'en' })
      .expect(200);
    // Kept on the user: a later session, and a bearer token, see it.
    const again = await cookieLogin({
      email: 'strategist@example.org',
      password: 'strategist-password-long',
    });
    expect((await t.http().get('/auth/me').set('Cookie', again).expect(200)).body.language).toBe('en');
    const bearer = await t.http().get('/auth/me').set('Authorization', `Bearer ${t.tokens.strategist}`);
    expect(bearer.body.language).toBe('en');
    await t
      .http()
      .put('/auth/me')
      .set('Cookie', again)
      .set('Origin', OWN)
      .send({ language: 'fr' })
      .expect(422);
    // A new staff user starts in German.
    const created = await t
      .http()
      .post('/staff-users')
      .set('Authorization', `Bearer ${t.tokens.admin}`)
      .send({ name: 'Neu', email: 'neu@example.org', password: 'neu-password-long', role: 'staff' })
      .expect(201);
    expect(created.body.language).toBe('de');
  });

  it('does not check the Origin of requests signed with a bearer token', async () => {
    await t
      .http()
      .put('/auth/me')
      .set('Authorization', `Bearer ${t.tokens.admin}`)
      .set('Origin', FOREIGN)
      .send({ language: 'de' })
      .expect(200);
    const created = await t
      .http()
      .post('/auth/api-keys')
      .set('Authorization', `Bearer ${t.tokens.admin}`)
      .set('Origin', FOREIGN)
      .send({ name: 'sync from elsewhere' })
      .expect(201);
    expect(created.body.token).toMatch(/^vs_k_/);
  });

  it('takes a bearer header as the credential when one is sent: a wrong one is not made good by a cookie', async () => {
    const cookie = await cookieLogin();
    await t
      .http()
      .get('/auth/me')
      .set('Cookie', cookie)
      .set('Authorization', 'Bearer vs_s_forged')
      .expect(401);
  });

  it('refuses to set a session cookie for a login from another site', async () => {
    for (const headers of [{ Origin: FOREIGN }, { 'Sec-Fetch-Site': 'cross-site' }, {}]) {
      const res = await t
        .http()
        .post('/auth/login')
        .set(headers)
        .send({ ...ADMIN, session: 'cookie' })
        .expect(403);
      expect(sessionCookieLine(res)).toBeUndefined();
    }
  });

  it('lets the one-click unsubscribe POST through from any origin, whatever cookie the browser holds', async () => {
    const header =
      'external_id,first_name,email,email_consent,consent_at,email_confirmed_at,consent_ip,consent_text_version';
    const job = await runImport(
      t.db.dataSource,
      'contacts',
      await tempFile(
        `${header}\nu1,Uta,uta@example.org,ja,2026-01-10T10:00:00Z,2026-01-10T10:05:00Z,192.0.2.10,v3\n`,
      ),
    );
    expect(job.status).toBe('completed');
    const [{ id }] = await t.db.dataSource.query(`SELECT id FROM contacts WHERE email = 'uta@example.org'`);
    const consent = t.app.get(ConsentService);
    expect(await consent.maySend(id, 'email', 'campaign-news')).toEqual({ allowed: true });
    const link = t.app
      .get(LinkService)
      .url('unsubscribe', { contactId: id, channel: 'email', purpose: 'campaign-news' });
    const cookie = await cookieLogin();
    const res = await t
      .http()
      .post(new URL(link).pathname)
      .set('Origin', 'https://mail.provider.example')
      .set('Cookie', cookie)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    expect(res.type).toBe('text/html');
    expect(await consent.maySend(id, 'email', 'campaign-news')).toEqual({
      allowed: false,
      reason: 'withdrawn',
    });
  });

  it('logs out: the session ends on the server, the cookie is cleared and no longer signs anything', async () => {
    const cookie = await cookieLogin();
    await t.http().get('/auth/me').set('Cookie', cookie).expect(200);
    // A logout signed by the cookie is a change like any other.
    await t.http().post('/auth/logout').set('Cookie', cookie).set('Origin', FOREIGN).expect(403);
    await t.http().get('/auth/me').set('Cookie', cookie).expect(200);
    const res = await t.http().post('/auth/logout').set('Cookie', cookie).set('Origin', OWN).expect(204);
    const cleared = sessionCookieLine(res)!;
    expect(cleared.split(';')[0]).toBe('vs_session=');
    expect(new Date(attributes(cleared).expires).getTime()).toBeLessThan(Date.now());
    const after = await t.http().get('/auth/me').set('Cookie', cookie).expect(401);
    expect(after.body.message).toMatch(/session has ended/);
    // The browser is told to drop the dead cookie.
    expect(sessionCookieLine(after)?.split(';')[0]).toBe('vs_session=');
    const [{ revoked_at }] = await t.db.dataSource.query(
      `SELECT revoked_at FROM staff_tokens WHERE token_hash = $1`,
      [tokenHash(cookie.slice('vs_session='.length))],
    );
    expect(revoked_at).toBeInstanceOf(Date);
  });

  it('logs out a bearer session too, but leaves API keys to their own route', async () => {
    const { token } = (await t.http().post('/auth/login').send(ADMIN).expect(200)).body;
    await t
      .http()
      .post('/auth/logout')
      .set('Authorization', `Bearer ${token}`)
      .set('Origin', FOREIGN)
      .expect(204);
    await t.http().get('/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    const key = (
      await t
        .http()
        .post('/auth/api-keys')
        .set('Authorization', `Bearer ${t.tokens.admin}`)
        .send({ name: 'nightly' })
        .expect(201)
    ).body.token;
    const res = await t.http().post('/auth/logout').set('Authorization', `Bearer ${key}`).expect(400);
    expect(res.body.message).toMatch(/DELETE \/auth\/api-keys/);
    await t.http().get('/auth/me').set('Authorization', `Bearer ${key}`).expect(200);
    await t.http().post('/auth/logout').expect(401);
  });

  it('describes the cookie beside the bearer token in the OpenAPI document, and the token as opaque', async () => {
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.bearer).not.toHaveProperty('bearerFormat');
    expect(doc.components.securitySchemes.cookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'vs_session',
    });
    expect(doc.paths['/auth/me'].put.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(doc.paths['/contacts'].get.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(doc.paths['/auth/logout'].post.responses).toHaveProperty('204');
    expect(doc.paths['/auth/login'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/LoginDto',
    });
    expect(doc.components.schemas.LoginDto.properties.session.enum).toEqual(['token', 'cookie']);
  });
});

describe('browser sessions behind https (PUBLIC_URL https://…)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://kampagne.example' });
  });
  afterAll(() => t.close());

  it('marks the cookie Secure and takes the public origin as the service’s own', async () => {
    const res = await t
      .http()
      .post('/auth/login')
      .set('Origin', 'https://kampagne.example')
      .send({ ...ADMIN, session: 'cookie' })
      .expect(200);
    const line = sessionCookieLine(res)!;
    expect(attributes(line)).toHaveProperty('secure');
    const cookie = line.split(';')[0];
    await t
      .http()
      .put('/auth/me')
      .set('Cookie', cookie)
      .set('Origin', 'https://kampagne.example')
      .send({ language: 'en' })
      .expect(200);
    // Plain http at the same host is another origin.
    await t
      .http()
      .put('/auth/me')
      .set('Cookie', cookie)
      .set('Origin', 'http://kampagne.example')
      .send({ language: 'de' })
      .expect(403);
  });
});
