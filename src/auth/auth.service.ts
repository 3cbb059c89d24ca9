import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type EntityManager, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env } from '../config/config.js';
import type { Credential, StaffPrincipal } from '../common/auth.decorators.js';
import type { ApiKeyDto, CreateStaffUserDto, PasswordResetDto, UpdateStaffUserDto } from './auth.dto.js';
import { randomBytes } from 'node:crypto';
import { generatePassword, hashPassword, newToken, tokenHash, verifyPassword } from './passwords.js';
import { StaffToken } from './staff-token.entity.js';
import type { Role } from '../common/roles.js';
import { SecondFactorService } from './second-factor.service.js';
import { StaffUser, type UiLanguage } from './staff-user.entity.js';

/** A new login session's bearer token. */
export interface SessionIssued {
  token: string;
  expiresAt: Date;
  role: Role;
}

/** The password was right, and a second factor is needed: the challenge goes with the code. */
export interface SignInChallenge {
  secondFactor: 'code' | 'enrol';
  challenge: string;
  expiresAt: Date;
}

@Injectable()
export class AuthService {
  /** Verified for unknown emails too, so a login's timing does not tell which accounts exist. */
  private dummyHash?: Promise<string>;

  constructor(
    @InjectRepository(StaffUser) private readonly users: Repository<StaffUser>,
    @InjectRepository(StaffToken) private readonly tokens: Repository<StaffToken>,
    private readonly audit: AuditService,
    private readonly secondFactor: SecondFactorService,
    private readonly env: Env,
  ) {}

  /**
   * Checks the password. A user with a second factor, or whose role needs one, gets a challenge instead of a
   * session: the code (or the enrolment of a factor) completes the sign-in with `completeSignIn`.
   */
  async login(email: string, password: string): Promise<SessionIssued | SignInChallenge> {
    const user = await this.users.findOne({
      where: { email: email.trim().toLowerCase(), disabledAt: IsNull() },
      select: { id: true, role: true, passwordHash: true, mfaEnabledAt: true },
    });
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'), this.env.PASSWORD_HASH_COST);
    const ok = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !ok) throw new AppError(ErrorCode.InvalidCredentials, 'Wrong email or password');
    if (user.mfaEnabledAt) return this.secondFactor.challenge(user.id, 'code');
    if (this.secondFactor.required(user.role)) return this.secondFactor.challenge(user.id, 'enrol');
    return this.startSession(user.id, user.role, {});
  }

  /**
   * The second step of a sign-in: a code from the authenticator app or a recovery code, or, for a user who is
   * enrolling, the first code of the new factor (then the recovery codes are answered, this once).
   */
  async completeSignIn(
    challenge: string,
    code: string,
  ): Promise<SessionIssued & { recoveryCodes?: string[] }> {
    const claims = this.secondFactor.readChallenge(challenge);
    const user = await this.users.findOneBy({ id: claims.userId, disabledAt: IsNull() });
    if (!user) throw new AppError(ErrorCode.InvalidCredentials, 'This account cannot sign in');
    if (claims.kind === 'enrol') {
      const recoveryCodes = await this.secondFactor.confirmEnrolment(user.id, code);
      await this.audit.record(user.id, 'staff-user.second-factor.enrol', 'staff-user', user.id);
      return {
        ...(await this.startSession(user.id, user.role, { secondFactor: 'enrolled' })),
        recoveryCodes,
      };
    }
    const how = await this.secondFactor.verifyCode(user.id, code);
    return this.startSession(user.id, user.role, { secondFactor: how });
  }

  /** The QR code and secret for a user whose role needs a second factor and who has none yet. */
  async enrolAtSignIn(challenge: string) {
    const claims = this.secondFactor.readChallenge(challenge, 'enrol');
    const user = await this.users.findOneBy({ id: claims.userId, disabledAt: IsNull() });
    if (!user) throw new AppError(ErrorCode.InvalidCredentials, 'This account cannot sign in');
    return this.secondFactor.startEnrolment(user.id, user.email);
  }

  private async startSession(userId: string, role: Role, details: Record<string, unknown>) {
    const token = newToken('session');
    const expiresAt = new Date(Date.now() + this.env.SESSION_TTL_SECONDS * 1000);
    await this.tokens.insert({ userId, kind: 'session', tokenHash: tokenHash(token), expiresAt });
    await this.audit.record(userId, 'auth.login', 'staff-user', userId, details);
    return { token, expiresAt, role };
  }

  /** The signed-in user's second factor: whether they have one, whether their role needs one, codes left. */
  async secondFactorOf(staff: StaffPrincipal) {
    const user = await this.users.findOneByOrFail({ id: staff.id });
    return {
      enabled: user.mfaEnabledAt !== null,
      enabledAt: user.mfaEnabledAt,
      required: this.secondFactor.required(user.role),
      recoveryCodesLeft: user.mfaEnabledAt ? await this.secondFactor.recoveryCodesLeft(user.id) : 0,
    };
  }

  /** A signed-in user sets up a second factor of their own accord (with a login session, not an API key). */
  startOwnEnrolment(staff: StaffPrincipal, credential: Credential) {
    this.assertSession(credential);
    return this.secondFactor.startEnrolment(staff.id, staff.email);
  }

  async confirmOwnEnrolment(staff: StaffPrincipal, credential: Credential, code: string) {
    this.assertSession(credential);
    const recoveryCodes = await this.secondFactor.confirmEnrolment(staff.id, code);
    await this.audit.record(staff.id, 'staff-user.second-factor.enrol', 'staff-user', staff.id);
    return { recoveryCodes };
  }

  /**
   * An admin removes a user's second factor (a lost phone, used-up recovery codes): the user's sessions end (an
   * admin resetting their own keeps the one the request came with), and at the next sign-in a role that needs a
   * factor enrols a new one. Audited.
   */
  async resetSecondFactor(id: string, by: StaffPrincipal, credential: Credential) {
    return this.removeSecondFactor(id, by.id, credential.tokenId, {});
  }

  /**
   * The way back in for someone with access to the server when no admin can sign in (the last admin lost their phone
   * and their recovery codes): the same reset, by email, audited as the command line's.
   */
  async resetSecondFactorFromCli(email: string) {
    const user = await this.users.findOneBy({ email: email.trim().toLowerCase() });
    if (!user) throw new AppError(ErrorCode.NotFound, `No staff user with ${email}`);
    return this.removeSecondFactor(user.id, null, undefined, { via: 'cli' });
  }

  private async removeSecondFactor(id: string, by: string | null, keep: string | undefined, via: object) {
    if (!(await this.users.existsBy({ id })))
      throw new AppError(ErrorCode.NotFound, 'No staff user with this id');
    const sessionsRevoked = await this.users.manager.transaction(async (m) => {
      if (!(await this.secondFactor.reset(id)))
        throw new AppError(ErrorCode.Conflict, 'This staff user has no second factor');
      return this.revokeSessions(m, id, keep);
    });
    await this.audit.record(by, 'staff-user.second-factor.reset', 'staff-user', id, {
      sessionsRevoked,
      ...via,
    });
    return { sessionsRevoked };
  }

  private assertSession(credential: Credential) {
    if (credential.kind !== 'session')
      throw new AppError(
        ErrorCode.BadRequest,
        'A second factor protects a person’s sign-in: set it up from a login session, not with an API key',
      );
  }

  /** The staff member a token belongs to, and which token it is; undefined if unknown, expired, revoked or disabled. */
  async authenticate(
    token: string,
  ): Promise<
    { staff: StaffPrincipal; tokenId: string; kind: Credential['kind']; expiresAt: Date | null } | undefined
  > {
    const rows: (StaffPrincipal & {
      token_id: string;
      kind: Credential['kind'];
      last_used_at: Date | null;
      expires_at: Date | null;
    })[] = await this.tokens.query(
      `SELECT u.id, u.name, u.email, u.role, u.language, u.mfa_enabled_at IS NOT NULL AS "secondFactor",
         t.id AS token_id, t.kind, t.last_used_at, t.expires_at
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
    const staff = {
      id: row.id,
      name: row.name,
      email: row.email,
      role: row.role,
      language: row.language,
      secondFactor: row.secondFactor,
    };
    return { staff, tokenId: row.token_id, kind: row.kind, expiresAt: row.expires_at };
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

  /** A new staff account, by an admin (`by`) or from the command line (`by` null, `via: 'cli'` in the audit). */
  async createUser(dto: CreateStaffUserDto, by: string | null, via: { via?: 'cli' } = {}) {
    const email = dto.email.trim().toLowerCase();
    if (await this.users.existsBy({ email }))
      throw new AppError(ErrorCode.Conflict, `A staff user with ${email} exists`);
    const user = await this.users.save({
      name: dto.name,
      email,
      role: dto.role,
      passwordHash: await hashPassword(dto.password, this.env.PASSWORD_HASH_COST),
    });
    await this.audit.record(by, 'staff-user.create', 'staff-user', user.id, {
      email,
      role: dto.role,
      ...via,
    });
    const { id, name, role, language } = user;
    return { id, name, email, role, language, secondFactor: false };
  }

  async listUsers() {
    return (await this.users.find({ order: { createdAt: 'ASC' } })).map(account);
  }

  /**
   * Renames a user, changes their role, disables or enables them. Disabling ends their sessions for good (enabling
   * does not bring them back); their API keys stop working while the account is disabled, as every token's check
   * asks for an enabled user. An admin cannot disable themself, and nobody removes the last active admin.
   */
  async updateUser(id: string, dto: UpdateStaffUserDto, by: StaffPrincipal) {
    const { user, changes, sessionsRevoked } = await this.users.manager.transaction(async (m) => {
      // Every active admin is locked, so that two admins cannot take each other's rights at the same moment.
      const admins: { id: string }[] = await m.query(
        `SELECT id FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`,
      );
      const user = await m.findOne(StaffUser, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new AppError(ErrorCode.NotFound, 'No staff user with this id');
      const disabled = dto.disabled ?? user.disabledAt !== null;
      if (disabled && user.disabledAt === null && id === by.id)
        throw new AppError(
          ErrorCode.Conflict,
          'An admin cannot disable their own account: another admin can',
        );
      const activeAdmin = user.role === 'admin' && user.disabledAt === null;
      const staysActiveAdmin = (dto.role ?? user.role) === 'admin' && !disabled;
      if (activeAdmin && !staysActiveAdmin && admins.length === 1)
        throw new AppError(
          ErrorCode.Conflict,
          'This is the last active admin: make another staff user admin first',
        );
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (dto.name !== undefined && dto.name !== user.name) changes.name = { from: user.name, to: dto.name };
      if (dto.role !== undefined && dto.role !== user.role) changes.role = { from: user.role, to: dto.role };
      if (disabled !== (user.disabledAt !== null)) changes.disabled = { from: !disabled, to: disabled };
      if (Object.keys(changes).length === 0) return { user, changes, sessionsRevoked: 0 };
      await m.update(StaffUser, id, {
        name: dto.name ?? user.name,
        role: dto.role ?? user.role,
        disabledAt: disabled ? (user.disabledAt ?? new Date()) : null,
      });
      const sessionsRevoked = changes.disabled?.to === true ? await this.revokeSessions(m, id) : 0;
      return { user: await m.findOneByOrFail(StaffUser, { id }), changes, sessionsRevoked };
    });
    if (Object.keys(changes).length)
      await this.audit.record(by.id, 'staff-user.update', 'staff-user', id, { ...changes, sessionsRevoked });
    return account(user);
  }

  /**
   * Sets a new password, the one given or one the service chooses (answered once, never stored), and ends the
   * user's sessions; the session the request came with stays, for an admin who resets their own.
   */
  async resetPassword(
    id: string,
    given: string | undefined,
    by: StaffPrincipal,
    credential: Credential,
  ): Promise<PasswordResetDto> {
    if (!(await this.users.existsBy({ id })))
      throw new AppError(ErrorCode.NotFound, 'No staff user with this id');
    const password = given ?? generatePassword();
    const passwordHash = await hashPassword(password, this.env.PASSWORD_HASH_COST);
    const sessionsRevoked = await this.users.manager.transaction(async (m) => {
      await m.update(StaffUser, id, { passwordHash });
      return this.revokeSessions(m, id, credential.tokenId);
    });
    await this.audit.record(by.id, 'staff-user.password', 'staff-user', id, {
      generated: given === undefined,
      sessionsRevoked,
    });
    return given === undefined
      ? { generated: true, password, sessionsRevoked }
      : { generated: false, sessionsRevoked };
  }

  /** Ends a user's live sessions (not their API keys), except one; returns how many. */
  private async revokeSessions(m: EntityManager, userId: string, except?: string): Promise<number> {
    const [, count] = await m.query<[unknown, number]>(
      `UPDATE staff_tokens SET revoked_at = now()
       WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
         AND id IS DISTINCT FROM $2`,
      [userId, except ?? null],
    );
    return count;
  }

  /** Every API key, newest first, without its secret (only a hash is stored). */
  listApiKeys(): Promise<ApiKeyDto[]> {
    return this.tokens.query(
      `SELECT t.id, t.name, u.role, json_build_object('id', u.id, 'name', u.name) AS "createdBy",
         t.created_at AS "createdAt", t.expires_at AS "expiresAt", t.last_used_at AS "lastUsedAt",
         t.revoked_at AS "revokedAt",
         (t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.disabled_at IS NULL) AS active
       FROM staff_tokens t JOIN staff_users u ON u.id = t.user_id
       WHERE t.kind = 'api-key'
       ORDER BY t.created_at DESC, t.id`,
    );
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

/** A staff account as the API shows it: whether it has a second factor, never its secret. */
function account(user: StaffUser) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    language: user.language,
    secondFactor: (user.mfaEnabledAt ?? null) !== null,
    disabledAt: user.disabledAt ?? null,
    createdAt: user.createdAt,
  };
}
