import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env } from '../config/config.js';
import type { Credential, StaffPrincipal } from './auth.decorators.js';
import type { CreateStaffUserDto } from './auth.dto.js';
import { randomBytes } from 'node:crypto';
import { hashPassword, newToken, tokenHash, verifyPassword } from './passwords.js';
import { StaffToken } from './staff-token.entity.js';
import { StaffUser, type UiLanguage } from './staff-user.entity.js';

@Injectable()
export class AuthService {
  /** Verified for unknown emails too, so a login's timing does not tell which accounts exist. */
  private dummyHash?: Promise<string>;

  constructor(
    @InjectRepository(StaffUser) private readonly users: Repository<StaffUser>,
    @InjectRepository(StaffToken) private readonly tokens: Repository<StaffToken>,
    private readonly audit: AuditService,
    private readonly env: Env,
  ) {}

  async login(email: string, password: string) {
    const user = await this.users.findOne({
      where: { email: email.trim().toLowerCase(), disabledAt: IsNull() },
      select: { id: true, role: true, passwordHash: true },
    });
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const ok = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !ok) throw new AppError(ErrorCode.InvalidCredentials, 'Wrong email or password');
    const token = newToken('session');
    const expiresAt = new Date(Date.now() + this.env.SESSION_TTL_SECONDS * 1000);
    await this.tokens.insert({ userId: user.id, kind: 'session', tokenHash: tokenHash(token), expiresAt });
    await this.audit.record(user.id, 'auth.login', 'staff-user', user.id);
    return { token, expiresAt, role: user.role };
  }

  /** The staff member a token belongs to, and which token it is; undefined if unknown, expired, revoked or disabled. */
  async authenticate(
    token: string,
  ): Promise<{ staff: StaffPrincipal; tokenId: string; kind: Credential['kind'] } | undefined> {
    const rows: (StaffPrincipal & {
      token_id: string;
      kind: Credential['kind'];
      last_used_at: Date | null;
    })[] = await this.tokens.query(
      `SELECT u.id, u.name, u.email, u.role, u.language, t.id AS token_id, t.kind, t.last_used_at
       FROM staff_tokens t JOIN staff_users u ON u.id = t.user_id
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
         AND u.disabled_at IS NULL`,
      [tokenHash(token)],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
      await this.tokens.update(row.token_id, { lastUsedAt: new Date() });
    }
    const staff = { id: row.id, name: row.name, email: row.email, role: row.role, language: row.language };
    return { staff, tokenId: row.token_id, kind: row.kind };
  }

  /** Ends the session the request was signed in with; an API key is revoked on its own route, not by a logout. */
  async logout(staff: StaffPrincipal, credential: Credential) {
    if (credential.kind !== 'session') {
      throw new AppError(
        ErrorCode.BadRequest,
        'This is an API key, not a login session: an admin revokes it with DELETE /auth/api-keys/{id}',
      );
    }
    await this.tokens.update({ id: credential.tokenId, revokedAt: IsNull() }, { revokedAt: new Date() });
    await this.audit.record(staff.id, 'auth.logout', 'staff-user', staff.id);
  }

  /** The staff user's own settings: so far the web app's language. */
  async updateMe(staff: StaffPrincipal, language: UiLanguage): Promise<StaffPrincipal> {
    if (language !== staff.language) {
      await this.users.update(staff.id, { language });
      await this.audit.record(staff.id, 'staff-user.language', 'staff-user', staff.id, { language });
    }
    return { ...staff, language };
  }

  async createUser(dto: CreateStaffUserDto, by: string | null) {
    const email = dto.email.trim().toLowerCase();
    if (await this.users.existsBy({ email }))
      throw new AppError(ErrorCode.Conflict, `A staff user with ${email} exists`);
    const user = await this.users.save({
      name: dto.name,
      email,
      role: dto.role,
      passwordHash: await hashPassword(dto.password),
    });
    await this.audit.record(by, 'staff-user.create', 'staff-user', user.id, { email, role: dto.role });
    return { id: user.id, name: user.name, email: user.email, role: user.role, language: user.language };
  }

  listUsers() {
    return this.users.find({ order: { createdAt: 'ASC' } });
  }

  async createApiKey(userId: string, name: string, expiresInDays: number | undefined, by: string) {
    const token = newToken('api-key');
    const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null;
    const saved = await this.tokens.save({
      userId,
      kind: 'api-key',
      name,
      tokenHash: tokenHash(token),
      expiresAt,
    });
    await this.audit.record(by, 'api-key.create', 'api-key', saved.id, { name, forUser: userId });
    return { id: saved.id, token, expiresAt };
  }

  async revokeApiKey(id: string, by: string) {
    const result = await this.tokens.update(
      { id, kind: 'api-key', revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    if (!result.affected) throw new AppError(ErrorCode.NotFound, 'No active API key with this id');
    await this.audit.record(by, 'api-key.revoke', 'api-key', id);
  }
}
