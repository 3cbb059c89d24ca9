import { Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env, publicUrl } from '../config/config.js';
import { foreignRequest, originOf } from './same-origin.js';

/** The browser's session: the same opaque token a script sends as a bearer token, out of reach of page scripts. */
export const SESSION_COOKIE = 'vs_session';

/** Setting, reading and clearing the session cookie, and the same-origin rule for what it may change. */
@Injectable()
export class SessionCookies {
  private readonly publicOrigin: string | null;
  /** PUBLIC_URL is https: the service sits behind a TLS proxy even when the request reaches it over plain http. */
  private readonly publicHttps: boolean;

  constructor(env: Env) {
    const url = publicUrl(env);
    this.publicOrigin = originOf(url);
    this.publicHttps = url.startsWith('https:');
  }

  read(req: Request): string | undefined {
    for (const pair of (req.headers.cookie ?? '').split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq).trim() === SESSION_COOKIE)
        return pair.slice(eq + 1).trim() || undefined;
    }
    return undefined;
  }

  set(req: Request, res: Response, token: string, expiresAt: Date): void {
    res.cookie(SESSION_COOKIE, token, { ...this.options(req), maxAge: expiresAt.getTime() - Date.now() });
  }

  clear(req: Request, res: Response): void {
    res.clearCookie(SESSION_COOKIE, this.options(req));
  }

  /** A change the cookie authorises must come from the service's own pages (403 otherwise). */
  assertOwnOrigin(req: Request): void {
    const host = req.get('host');
    const own = [this.publicOrigin, host ? originOf(`${req.protocol}://${host}`) : null].filter(
      (o): o is string => o !== null,
    );
    const reason = foreignRequest(
      { fetchSite: req.get('sec-fetch-site'), origin: req.get('origin'), referer: req.get('referer') },
      own,
    );
    if (reason) {
      throw new AppError(
        ErrorCode.Forbidden,
        `A change made with the session cookie must come from this service's own pages, but ${reason}. ` +
          'Scripts send Authorization: Bearer <token> instead.',
      );
    }
  }

  private options(req: Request): CookieOptions {
    return { httpOnly: true, sameSite: 'strict', secure: req.secure || this.publicHttps, path: '/' };
  }
}
