import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the build puts the web app: web/dist beside dist/ (and beside src/ when the sources run). */
export const DEFAULT_WEB_APP_DIR = resolve(import.meta.dirname, '..', 'web', 'dist');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Web app not built</title></head><body>
<h1>The web app is not built</h1>
<p><code>npm run build</code> builds it; then reload this page. The API and its documentation at
<a href="/docs">/docs</a> work meanwhile.</p>
<p lang="de">Die Web-App ist noch nicht gebaut: <code>npm run build</code> baut sie, danach diese Seite neu laden.</p>
</body></html>`;

/**
 * The web app at /app: its hashed files under /app/assets/ cached for a year, any other /app/… path answered with
 * index.html (never cached) so that the app's own routes survive a reload, and / sends the browser there. The
 * folder is looked at on each request: building the app while the service runs needs no restart, and until it is
 * built /app says so with a 503.
 */
export function serveWebApp(app: NestExpressApplication, dir: string): void {
  const server: Express = app.getHttpAdapter().getInstance();
  server.get('/', (_req, res) => res.redirect(302, '/app/'));
  app.useStaticAssets(join(dir, 'assets'), {
    prefix: '/app/assets',
    immutable: true,
    maxAge: '365d',
    index: false,
    redirect: false,
  });
  app.useStaticAssets(dir, {
    prefix: '/app',
    index: false,
    redirect: false,
    setHeaders: (res: Response) => res.setHeader('Cache-Control', 'no-cache'),
  });
  server.use('/app', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.originalUrl === '/app' || req.originalUrl.startsWith('/app?')) {
      return res.redirect(302, `/app/${req.originalUrl.slice('/app'.length)}`);
    }
    // A hashed file that is not there is a 404, not the app's page in its place.
    if (req.path.startsWith('/assets/')) return res.status(404).type('text').send('Not found');
    const index = join(dir, 'index.html');
    if (!existsSync(index))
      return res.status(503).set('Cache-Control', 'no-store').type('html').send(NOT_BUILT);
    res.set('Cache-Control', 'no-cache').sendFile(index, (err) => {
      if (err && !res.headersSent) next(err);
    });
  });
}
