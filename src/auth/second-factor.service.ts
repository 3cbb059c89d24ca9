import { HttpException, HttpStatus, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { IsNull, type Repository } from 'typeorm';
import { AppError, ErrorCode } from '../common/errors.js';
import { Env, mfaRequiredRoles } from '../config/config.js';
import type { Role } from '../common/roles.js';
import {
  CHALLENGE_TTL_SECONDS,
  decryptSecret,
  encryptSecret,
  newRecoveryCodes,
  newTotpSecret,
  normaliseRecoveryCode,
  recoveryCodeHash,
  signChallenge,
  totpUri,
  verifyChallenge,
  verifyTotp,
  type ChallengeClaims,
  type ChallengeKind,
  type MfaKey,
} from './second-factor.js';
import { StaffUser } from './staff-user.entity.js';

/** Wrong codes one account may give in a quarter of an hour, from any address, before it must wait. */
const WRONG_CODES_PER_ACCOUNT = 5;

export interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

/**
 * The second factor of staff sign-in: TOTP secrets (encrypted at rest), the challenges that stand between a right
 * password and a session, and single-use recovery codes. Keys: MFA_KEYS, else one generated and kept in the database.
 */
@Injectable()
export class SecondFactorService implements OnModuleInit {
  private keys: MfaKey[] = [];
  private readonly wrongCodes = new RateLimiterMemory({ points: WRONG_CODES_PER_ACCOUNT, duration: 15 * 60 });

  constructor(
    @InjectRepository(StaffUser) private readonly users: Repository<StaffUser>,
    private readonly env: Env,
  ) {}

  async onModuleInit() {
    if (this.env.MFA_KEYS) {
      this.keys = this.env.MFA_KEYS.split(',').map((pair) => {
        const at = pair.indexOf(':');
        return { id: pair.slice(0, at), secret: pair.slice(at + 1) };
      });
      return;
    }
    await this.users.query(
      `INSERT INTO app_secrets (name, value) VALUES ('mfa_key', $1) ON CONFLICT (name) DO NOTHING`,
      [randomBytes(32).toString('base64url')],
    );
    const [{ value }]: { value: string }[] = await this.users.query(
      `SELECT value FROM app_secrets WHERE name = 'mfa_key'`,
    );
    this.keys = [{ id: 'db', secret: value }];
  }

  /** Whether the role must sign in with a second factor (MFA_REQUIRED_ROLES). */
  required(role: Role): boolean {
    return mfaRequiredRoles(this.env).includes(role);
  }

  challenge(userId: string, kind: ChallengeKind) {
    const expires = Math.floor(Date.now() / 1000) + CHALLENGE_TTL_SECONDS;
    return {
      secondFactor: kind,
      challenge: signChallenge({ userId, kind, expires }, this.keys),
      expiresAt: new Date(expires * 1000),
    };
  }

  /** The claims of a challenge this service made and that has not expired; 401 otherwise. */
  readChallenge(token: string, kind?: ChallengeKind): ChallengeClaims {
    const claims = verifyChallenge(token, this.keys);
    if (!claims || (kind && claims.kind !== kind))
      throw new AppError(
        ErrorCode.InvalidCredentials,
        'The sign-in has expired or is not valid: start again',
      );
    return claims;
  }

  /** A new secret to scan, kept as pending until the user confirms it with a code; 409 if they have a factor. */
  async startEnrolment(userId: string, label: string): Promise<Enrolment> {
    const user = await this.users.findOneBy({ id: userId, disabledAt: IsNull() });
    if (!user) throw new AppError(ErrorCode.InvalidCredentials, 'This account cannot sign in');
    if (user.mfaEnabledAt)
      throw new AppError(
        ErrorCode.Conflict,
        'This account has a second factor already: an admin resets it before a new one is set up',
      );
    const secret = newTotpSecret();
    await this.users.update(userId, { mfaPendingSecret: encryptSecret(secret, userId, this.keys) });
    const otpauthUri = totpUri(this.env.SENDER_NAME, label, secret);
    const svg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret, otpauthUri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  }

  /**
   * Confirms the pending secret with a first code: it becomes the user's second factor, and ten recovery codes are
   * answered this once (only their hashes are kept).
   */
  async confirmEnrolment(userId: string, code: string): Promise<string[]> {
    await this.assertMayTry(userId);
    const user = await this.users.findOne({
      where: { id: userId, disabledAt: IsNull() },
      select: { id: true, mfaEnabledAt: true, mfaPendingSecret: true },
    });
    if (!user) throw new AppError(ErrorCode.InvalidCredentials, 'This account cannot sign in');
    if (user.mfaEnabledAt) throw new AppError(ErrorCode.Conflict, 'This account has a second factor already');
    const secret = user.mfaPendingSecret && decryptSecret(user.mfaPendingSecret, userId, this.keys);
    if (!secret)
      throw new AppError(ErrorCode.Conflict, 'No second factor is being set up: ask for a new QR code first');
    const step = await verifyTotp(secret, code.trim(), null);
    if (step === undefined) return this.wrong(userId);
    const codes = newRecoveryCodes();
    const done = await this.users.update(
      { id: userId, mfaEnabledAt: IsNull(), mfaPendingSecret: user.mfaPendingSecret! },
      {
        mfaSecret: encryptSecret(secret, userId, this.keys),
        mfaPendingSecret: null,
        mfaEnabledAt: new Date(),
        mfaLastStep: step,
        mfaRecoveryCodes: codes.map((c) => recoveryCodeHash(normaliseRecoveryCode(c)!)),
      },
    );
    if (!done.affected) throw new AppError(ErrorCode.Conflict, 'The second factor was set up meanwhile');
    await this.wrongCodes.delete(userId);
    return codes;
  }

  /**
   * Checks a code from the authenticator app, or else a recovery code, which is used up. Each is accepted once: a
   * time step that signed someone in, and a used recovery code, are refused from then on, even to two requests at
   * the same moment (the conditional update decides).
   */
  async verifyCode(userId: string, code: string): Promise<'totp' | 'recovery-code'> {
    await this.assertMayTry(userId);
    const user = await this.users.findOne({
      where: { id: userId, disabledAt: IsNull() },
      select: { id: true, mfaEnabledAt: true, mfaSecret: true, mfaLastStep: true },
    });
    if (!user?.mfaEnabledAt || !user.mfaSecret)
      throw new AppError(ErrorCode.InvalidCredentials, 'This account has no second factor: start again');
    const typed = code.trim();
    const secret = decryptSecret(user.mfaSecret, userId, this.keys);
    if (!secret)
      throw new AppError(
        ErrorCode.Conflict,
        'The second factor cannot be read with the configured MFA_KEYS: an admin resets it, or use a recovery code',
      );
    const step = await verifyTotp(secret, typed, user.mfaLastStep);
    if (step !== undefined) {
      const [, taken] = await this.users.query<[unknown, number]>(
        `UPDATE staff_users SET mfa_last_step = $2 WHERE id = $1 AND (mfa_last_step IS NULL OR mfa_last_step < $2)`,
        [userId, step],
      );
      if (taken === 1) return this.right(userId, 'totp');
    }
    const recovery = normaliseRecoveryCode(typed);
    if (recovery) {
      const [, used] = await this.users.query<[unknown, number]>(
        `UPDATE staff_users SET mfa_recovery_codes = array_remove(mfa_recovery_codes, $2)
         WHERE id = $1 AND $2 = ANY(mfa_recovery_codes)`,
        [userId, recoveryCodeHash(recovery)],
      );
      if (used === 1) return this.right(userId, 'recovery-code');
    }
    return this.wrong(userId);
  }

  /** How many recovery codes the user has left. */
  async recoveryCodesLeft(userId: string): Promise<number> {
    const [row]: { n: number }[] = await this.users.query(
      `SELECT coalesce(cardinality(mfa_recovery_codes), 0) AS n FROM staff_users WHERE id = $1`,
      [userId],
    );
    return row?.n ?? 0;
  }

  /** Removes a user's second factor and recovery codes (an admin's reset); false if they had none. */
  async reset(userId: string): Promise<boolean> {
    const [, count] = await this.users.query<[unknown, number]>(
      `UPDATE staff_users SET mfa_secret = NULL, mfa_enabled_at = NULL, mfa_pending_secret = NULL,
         mfa_last_step = NULL, mfa_recovery_codes = NULL
       WHERE id = $1 AND (mfa_enabled_at IS NOT NULL OR mfa_pending_secret IS NOT NULL)`,
      [userId],
    );
    return count === 1;
  }

  private async assertMayTry(userId: string) {
    const spent = await this.wrongCodes.get(userId);
    if (spent && spent.consumedPoints >= WRONG_CODES_PER_ACCOUNT)
      throw new HttpException(
        `Too many wrong codes for this account; wait ${Math.ceil(spent.msBeforeNext / 60_000)} minutes`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
  }

  private async right<T>(userId: string, how: T): Promise<T> {
    await this.wrongCodes.delete(userId);
    return how;
  }

  private async wrong(userId: string): Promise<never> {
    await this.wrongCodes.penalty(userId, 1);
    throw new AppError(ErrorCode.InvalidCredentials, 'Wrong code');
  }
}
