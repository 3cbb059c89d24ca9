import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Channel } from '../consent/consent.js';

/**
 * Addresses of erased people, as HMAC-SHA256 with a secret salt: enough to recognise the address when an import
 * brings it back, not enough to recover it.
 */
@Entity('suppressions')
export class Suppression {
  @PrimaryColumn('text')
  hash: string;

  @Column('text')
  channel: Channel;

  @Column('text')
  reason: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** Secrets the server generates for itself on first start (the suppression salt, the default link key). */
@Entity('app_secrets')
export class AppSecret {
  @PrimaryColumn('text')
  name: string;

  @Column('text')
  value: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** Contacts of an import source are erased `days` after `after` (or after their own creation when it is empty). */
@Entity('retention_rules')
export class RetentionRule {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { unique: true })
  source: string;

  @Column('int')
  days: number;

  @Column('date', { nullable: true })
  after: string | null;

  @Column('timestamptz', { name: 'last_run_at', nullable: true })
  lastRunAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
