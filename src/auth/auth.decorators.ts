import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Role } from './roles.js';

export interface StaffPrincipal {
  id: string;
  name: string;
  email: string;
  role: Role;
}

export type AuthenticatedRequest = Request & { staff?: StaffPrincipal };

export const PUBLIC = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** Reachable without a staff token (health, login, supporters' own pages). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The roles allowed besides admin, which may do everything. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentStaff = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().staff!,
);
