import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Region } from '../regions/region.entity.js';

/** A supporter who gave us data. Only what the campaign needs: no birth dates, no opinions beyond consent. */
@Entity('contacts')
/** The contact search's indexes (trigrams of the names, prefixes of email and postal code), made by their migration. */
@Index('IDX_contacts_name_search', { synchronize: false })
@Index('IDX_contacts_email_prefix', { synchronize: false })
@Index('IDX_contacts_postal_code_prefix', { synchronize: false })
export class Contact {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true, where: 'external_id IS NOT NULL' })
  @Column('text', { name: 'external_id', nullable: true })
  externalId: string | null;

  @Column('text', { name: 'first_name', nullable: true })
  firstName: string | null;

  @Column('text', { name: 'last_name', nullable: true })
  lastName: string | null;

  /** Lower-cased and trimmed. */
  @Index({ unique: true, where: 'email IS NOT NULL' })
  @Column('text', { nullable: true })
  email: string | null;

  /** E.164. Not unique: a household may share one number. */
  @Index()
  @Column('text', { nullable: true })
  phone: string | null;

  /** A landline: kept as the person's number, but not an SMS address. */
  @Column('boolean', { name: 'phone_landline', default: false })
  phoneLandline: boolean;

  @Column('text', { name: 'postal_code', nullable: true })
  postalCode: string | null;

  @Index()
  @Column('uuid', { name: 'region_id', nullable: true })
  regionId: string | null;

  @ManyToOne(() => Region, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region> | null;

  @Column('text', { default: 'de' })
  language: string;

  @Column('text', { name: 'time_zone', default: 'Europe/Berlin' })
  timeZone: string;

  /** The import source it came from (e.g. a petition's name), for retention rules; `form` for sign-ups. */
  @Index()
  @Column('text', { nullable: true })
  source: string | null;

  /** Self-declared attributes the contact gave (numeric ones can feed a contact segmentation). */
  @Column('jsonb', { default: {} })
  attributes: Record<string, string | number>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
