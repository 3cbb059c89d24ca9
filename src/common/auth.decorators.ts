import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Role } from './roles.js';
import type { UiLanguage } from '../auth/staff-user.entity.js';

export interface StaffPrincipal {
  id: string;
  name: string;
  email: string;
  role: Role;
  language: UiLanguage;
  /** Whether the user signs in with a second factor. */
  secondFactor: boolean;
}

/** The token a request was signed in with, and how it came: a script's bearer header or a browser's cookie. */
export interface Credential {
  tokenId: string;
  kind: 'session' | 'api-key';
  via: 'bearer' | 'cookie';
}

export type AuthenticatedRequest = Request & { staff?: StaffPrincipal; credential?: Credential };

export const PUBLIC = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** Reachable without a staff token (health, login, supporters' own pages). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The roles allowed besides admin, which may do everything. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentStaff = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().staff!,
);

export const CurrentCredential = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().credential!,
);
