import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  JoinColumn,
  ManyToOne,
  type Relation,
} from 'typeorm';
import { StaffUser } from './staff-user.entity.js';

/**
 * Login sessions and API keys are both random bearer tokens; only their SHA-256 is stored.
 * (A slow hash is not needed: the tokens carry 256 random bits, unlike passwords.)
 */
@Entity('staff_tokens')
export class StaffToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column('uuid', { name: 'user_id' })
  userId: string;

  @ManyToOne(() => StaffUser, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<StaffUser>;

  @Column('text')
  kind: 'session' | 'api-key';

  @Column('text', { nullable: true })
  name: string | null;

  @Column('text', { name: 'token_hash', unique: true })
  tokenHash: string;

  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
