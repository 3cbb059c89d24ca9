import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { PUBLIC, ROLES_KEY, type AuthenticatedRequest } from '../common/auth.decorators.js';
import { AuthService } from './auth.service.js';
import type { Role } from '../common/roles.js';
import { STATE_CHANGING_METHODS } from './same-origin.js';
import { SessionCookies } from './session-cookie.js';

/** The token a request carries, and how: an `Authorization` header, when sent, is the credential; else the cookie. */
export function credentialOf(
  request: Request,
  cookies: SessionCookies,
): { via: 'bearer' | 'cookie'; token: string | undefined } {
  const authorization = request.headers.authorization;
  if (authorization === undefined) return { via: 'cookie', token: cookies.read(request) };
  const [scheme, value] = authorization.split(' ');
  return { via: 'bearer', token: scheme?.toLowerCase() === 'bearer' && value ? value : undefined };
}

/**
 * Global: every route needs a valid token unless marked @Public(); @Roles() narrows who (admins always pass). A
 * script sends its token as `Authorization: Bearer`; a browser has it in the session cookie. A header, when sent,
 * is the credential: a wrong one is not made good by a cookie. A change signed by the cookie alone must come from
 * the service's own pages.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly cookies: SessionCookies,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const { via, token } = credentialOf(request, this.cookies);
    const session = token ? await this.auth.authenticate(token) : undefined;
    if (!session) {
      // An expired or revoked cookie is of no more use: the browser may drop it.
      if (via === 'cookie' && token)
        this.cookies.clear(request, context.switchToHttp().getResponse<Response>());
      throw new UnauthorizedException(
        via === 'cookie' && token
          ? 'The session has ended: sign in again'
          : 'Sign in first: a valid bearer token or session cookie is required',
      );
    }
    if (via === 'cookie' && STATE_CHANGING_METHODS.has(request.method)) this.cookies.assertOwnOrigin(request);
    request.staff = session.staff;
    request.credential = { tokenId: session.tokenId, kind: session.kind, via };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && session.staff.role !== 'admin' && !roles.includes(session.staff.role)) {
      throw new ForbiddenException(`This needs the role ${['admin', ...roles].join(' or ')}`);
    }
    return true;
  }
}
