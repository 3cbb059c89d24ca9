import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC, ROLES_KEY, type AuthenticatedRequest } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import type { Role } from './roles.js';

/** Global: every route needs a valid bearer token unless marked @Public(); @Roles() narrows who (admins always pass). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    const staff =
      scheme?.toLowerCase() === 'bearer' && token ? await this.auth.authenticate(token) : undefined;
    if (!staff) throw new UnauthorizedException('A valid bearer token is required');
    request.staff = staff;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && staff.role !== 'admin' && !roles.includes(staff.role)) {
      throw new ForbiddenException(`This needs the role ${['admin', ...roles].join(' or ')}`);
    }
    return true;
  }
}
