import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const RELEASE_SOURCES = ['import', 'contacts', 'contact'] as const;
/** Where staff decided to ask: when importing a file, for a filtered list of contacts, or for one contact again. */
export type ReleaseSource = (typeof RELEASE_SOURCES)[number];

/**
 * A staff decision to send double opt-in requests: nothing asks a person to confirm unless the person asked
 * (a sign-up, a preference change) or staff released it. Its messages carry its id, so it has a progress like a wave.
 */
@Entity('confirmation_releases')
export class ConfirmationRelease {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  source: ReleaseSource;

  @Column('uuid', { name: 'import_job_id', nullable: true })
  importJobId: string | null;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  /** A second request to a person who was already asked once: only ever one contact at a time, by a person. */
  @Column('boolean', { name: 'second_ask', default: false })
  secondAsk: boolean;

  /** Requests queued, per channel. */
  @Column('jsonb', { default: {} })
  queued: Partial<Record<'email' | 'sms', number>>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
