import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';
import { PAGE_STYLE_SOURCE } from './public/pages.js';

type Directives = Record<string, string[]>;

/**
 * Every answer (the API, the supporters' pages, the web app): scripts only from the service's own files (no inline
 * script, no `on…=` attribute, no eval), nothing embeds a page of ours, forms post only to us. The supporters'
 * pages carry one inline style, allowed by its hash.
 */
const POLICY: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", PAGE_STYLE_SOURCE],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** The web app: its charts' tooltips are HTML with style attributes (attributes only: no <style>, no script). */
const WEB_APP_POLICY: Directives = { ...POLICY, 'style-src-attr': ["'unsafe-inline'"] };

/** Swagger UI styles itself inline; its scripts are files like everyone else's. */
const DOCS_POLICY: Directives = { ...POLICY, 'style-src': ["'self'", "'unsafe-inline'"] };

// A Referer only to ourselves: nothing of our addresses leaks to other sites, and a browser that sends neither
// Sec-Fetch-Site nor Origin still shows the cookie's same-origin check where a change comes from. The supporters'
// pages, whose addresses carry their link tokens, send none at all (they say so themselves).
const withPolicy = (directives: Directives) =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  });

const under = (req: Request, root: string) => req.path === root || req.path.startsWith(`${root}/`);

/** helmet's headers (nosniff, HSTS, no framing, …) with the Content-Security-Policy of each part. */
export function securityHeaders(): RequestHandler {
  const site = withPolicy(POLICY);
  const webApp = withPolicy(WEB_APP_POLICY);
  const docs = withPolicy(DOCS_POLICY);
  return (req, res, next) =>
    (under(req, '/docs') ? docs : under(req, '/app') ? webApp : site)(req, res, next);
}
