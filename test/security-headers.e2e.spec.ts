import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { startTestApp, type TestApp } from './app.js';

/** A Content-Security-Policy header as directive → sources. */
function policy(res: Response): Record<string, string[]> {
  const header = res.headers['content-security-policy'];
  expect(header).toEqual(expect.any(String));
  return Object.fromEntries(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

/** What every page of the service must hold to: scripts only from its own files, never framed. */
function expectStrictScripts(res: Response) {
  const csp = policy(res);
  expect(csp['script-src']).toEqual(["'self'"]);
  expect(csp['script-src-attr']).toEqual(["'none'"]);
  expect(csp['frame-ancestors']).toEqual(["'none'"]);
  expect(csp['object-src']).toEqual(["'none'"]);
  expect(csp['base-uri']).toEqual(["'self'"]);
  expect(csp['form-action']).toEqual(["'self'"]);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['x-powered-by']).toBeUndefined();
  return csp;
}

describe('security headers on every answer, and the web app at /app', () => {
  let t: TestApp;
  let webDir: string;
  beforeAll(async () => {
    // The web app's folder starts empty: not built yet.
    webDir = await mkdtemp(join(tmpdir(), 'voter-segments-web-'));
    t = await startTestApp({ WEB_APP_DIR: webDir });
  });
  afterAll(() => t.close());

  it('sends the strict policy with the API’s answers, with and without a token', async () => {
    const health = await t.http().get('/health').expect(200);
    const csp = expectStrictScripts(health);
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(health.headers['content-security-policy']).not.toContain('unsafe-inline');
    expectStrictScripts(await t.http().get('/contacts').expect(401));
    expectStrictScripts(
      await t.http().get('/regions').set('Authorization', `Bearer ${t.tokens.strategist}`).expect(200),
    );
    expectStrictScripts(await t.http().get('/no-such-route').expect(404));
  });

  it('serves the supporters’ pages under it: no script at all, their one inline style allowed by its hash', async () => {
    const res = await t.http().get('/signup').expect(200);
    expect(res.text).toContain('<form method="post"');
    const csp = expectStrictScripts(res);
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/<script|\son[a-z]+=|style="/i);
    const styles = [...res.text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
    expect(styles).toHaveLength(1);
    const hash = `'sha256-${createHash('sha256').update(styles[0]).digest('base64')}'`;
    expect(csp['style-src']).toEqual(["'self'", hash]);
    // A bad link gets the same page shape, under the same policy.
    const invalid = await t.http().get('/unsubscribe/nonsense').expect(400);
    expect(policy(invalid)['style-src']).toContain(hash);
    expect(invalid.headers['referrer-policy']).toBe('no-referrer');
  });

  it('gives /docs the looser style policy Swagger UI needs, and only /docs', async () => {
    const res = await t.http().get('/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
    const csp = expectStrictScripts(res);
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    // Its scripts are files of ours, which script-src 'self' allows.
    const scripts = [...res.text.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter(([, attrs, body]) => !/src=/.test(attrs) || body.trim() !== '')).toEqual([]);
    for (const src of scripts.map(([, attrs]) => /src="([^"]+)"/.exec(attrs)![1])) {
      await t
        .http()
        .get(`/docs/${src.replace(/^\.\//, '')}`)
        .expect(200);
    }
    await t.http().get('/docs').expect(200);
    expect(policy(await t.http().get('/docs/openapi.json').expect(200))['style-src']).toContain(
      "'unsafe-inline'",
    );
    expect(policy(await t.http().get('/docsx').expect(404))['style-src']).not.toContain("'unsafe-inline'");
  });

  it('sends the browser from / to the web app', async () => {
    const res = await t.http().get('/').expect(302);
    expect(res.headers.location).toBe('/app/');
    expectStrictScripts(res);
    expect((await t.http().get('/app').expect(302)).headers.location).toBe('/app/');
    expect((await t.http().get('/app?lang=en').expect(302)).headers.location).toBe('/app/?lang=en');
  });

  it('answers /app with a plain 503 page while the web app is not built, and serves it once it is', async () => {
    for (const path of ['/app/', '/app/map']) {
      const res = await t.http().get(path).expect(503);
      expect(res.type).toBe('text/html');
      expect(res.text).toMatch(/web app is not built/);
      expect(res.text).toContain('npm run build');
      expect(res.headers['cache-control']).toBe('no-store');
      expectStrictScripts(res);
    }

    // What the build writes: index.html naming hashed files under assets/, and files copied as they are.
    await mkdir(join(webDir, 'assets'));
    await writeFile(
      join(webDir, 'index.html'),
      '<!doctype html><html><head><script type="module" src="/app/assets/index-Ab12Cd34.js"></script></head><body><div id="app"></div></body></html>',
    );
    await writeFile(join(webDir, 'assets', 'index-Ab12Cd34.js'), 'document.title = "Wählersegmente";\n');
    await writeFile(join(webDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');

    const index = await t.http().get('/app/').expect(200);
    expect(index.type).toBe('text/html');
    expect(index.text).toContain('<div id="app">');
    expect(index.headers['cache-control']).toBe('no-cache');
    const csp = expectStrictScripts(index);
    // The charts' tooltips carry style attributes; <style> elements and scripts stay as strict as elsewhere.
    expect(csp['style-src-attr']).toEqual(["'unsafe-inline'"]);
    expect(csp['style-src']).not.toContain("'unsafe-inline'");

    // The app's own routes survive a reload: any other path under /app is the same page.
    for (const route of ['/app/map', '/app/waves/5d0f8f2e-7f55-4d8e-9a61-0d7f3f3e6b11', '/app/data?x=1']) {
      const res = await t.http().get(route).expect(200);
      expect(res.text).toBe(index.text);
      expect(res.headers['cache-control']).toBe('no-cache');
    }

    const script = await t.http().get('/app/assets/index-Ab12Cd34.js').expect(200);
    expect(script.type).toBe('text/javascript');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectStrictScripts(script);

    // A hashed file that is not there is a 404, not the page in its place (which the browser would run as a script).
    const missing = await t.http().get('/app/assets/index-00000000.js').expect(404);
    expect(missing.type).not.toBe('text/html');

    const icon = await t.http().get('/app/favicon.svg').expect(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });
});
