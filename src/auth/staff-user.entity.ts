import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../common/roles.js';

/** The languages the staff web app speaks. */
export const UI_LANGUAGES = ['de', 'en'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

@Entity('staff_users')
export class StaffUser {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { unique: true })
  email: string;

  /** argon2id. */
  @Column('text', { name: 'password_hash', select: false })
  passwordHash: string;

  @Column('text')
  role: Role;

  /** The web app's language for this user, kept when they switch it. */
  @Column('text', { default: 'de' })
  language: UiLanguage;

  /**
   * The second factor: a TOTP secret, encrypted with a server key (MFA_KEYS) and never answered after enrolment;
   * set when the user confirmed it with a first code.
   */
  @Column('text', { name: 'mfa_secret', nullable: true, select: false })
  mfaSecret: string | null;

  @Column('timestamptz', { name: 'mfa_enabled_at', nullable: true })
  mfaEnabledAt: Date | null;

  /** A secret shown for enrolment and not yet confirmed with a code (encrypted the same way). */
  @Column('text', { name: 'mfa_pending_secret', nullable: true, select: false })
  mfaPendingSecret: string | null;

  /** The time step of the last code accepted: no code of it or before it is accepted again. */
  @Column('integer', { name: 'mfa_last_step', nullable: true, select: false })
  mfaLastStep: number | null;

  /** SHA-256 of the recovery codes not yet used; a used one is removed. */
  @Column('text', { name: 'mfa_recovery_codes', array: true, nullable: true, select: false })
  mfaRecoveryCodes: string[] | null;

  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
