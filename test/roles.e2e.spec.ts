import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AuthService } from '../src/auth/auth.service.js';
import { startTestApp, type TestApp } from './app.js';

const CALLERS = ['no token', 'admin', 'strategist', 'staff'] as const;
type Expected = 'yes' | '401' | '403' | 'signed';

/** The README's table "Who may call what": `METHOD /path` → what each caller gets. */
async function readmeMatrix(): Promise<Map<string, Expected[]>> {
  const readme = await readFile(resolve(import.meta.dirname, '../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Who may call what'));
  const rows = [...section.matchAll(/^\| `([A-Z]+ \/[^`]*)` +\|(.*)\|$/gm)];
  return new Map(rows.map(([, route, cells]) => [route, cells.split('|').map((c) => c.trim() as Expected)]));
}

/** A concrete path for an OpenAPI path template: ids are unknown UUIDs, other parameters plain words. */
const concrete = (path: string) =>
  path
    .replace(/\{(id|otherId|segmentId)\}/g, '5d0f8f2e-7f55-4d8e-9a61-0d7f3f3e6b11')
    .replace(/\{key\}/g, 'housing')
    .replace(/\{provider\}/g, 'twilio')
    .replace(/\{[^}]+\}/g, 'unknown');

describe('who may call what: every route of the OpenAPI document, with each role and without a token', () => {
  let t: TestApp;
  let routes: { method: string; path: string }[];
  let matrix: Map<string, Expected[]>;

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_REQUESTS_PER_MINUTE: '1000', DISPATCH_IN_API: 'false' });
    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
    );
    matrix = await readmeMatrix();
  });
  afterAll(() => t.close());

  async function sessionOf(role: 'admin' | 'strategist' | 'staff'): Promise<string> {
    const signedIn = await t.app.get(AuthService).login(`${role}@example.org`, `${role}-password-long`);
    if (!('token' in signedIn)) throw new Error(`${role} was asked for a second factor`);
    return signedIn.token;
  }

  it('the README lists exactly the routes the service has', () => {
    expect([...matrix.keys()].sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    expect(routes.length).toBeGreaterThan(50);
  });

  it('each caller gets what the README says', async () => {
    const wrong: string[] = [];
    for (const { method, path } of routes) {
      const expected = matrix.get(`${method} ${path}`) ?? [];
      for (const [i, caller] of CALLERS.entries()) {
        let req = t.http()[method.toLowerCase() as 'get'](concrete(path));
        // Logging out ends the token it is sent with: each caller logs out a session of its own.
        const token =
          caller !== 'no token' && method === 'POST' && path === '/auth/logout'
            ? await sessionOf(caller)
            : caller !== 'no token' && t.tokens[caller];
        if (token) req = req.set('Authorization', `Bearer ${token}`);
        // Twilio posts forms, and its webhooks take nothing else.
        if (method !== 'GET' && method !== 'DELETE')
          req = path.startsWith('/webhooks/') ? req.type('form').send({}) : req.send({});
        const { status } = await req;
        const want = expected[i];
        const ok =
          want === 'yes'
            ? status !== 401 && status !== 403 && status < 500
            : status === (want === 'signed' ? 403 : Number(want));
        if (!ok) wrong.push(`${method} ${path} as ${caller}: ${status}, the README says ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
