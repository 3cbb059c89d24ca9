import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { Contact } from '../contacts/contact.entity.js';
// By name, not by class: the entity of a higher room is only a type here (see .dependency-cruiser.cjs).
import type { Channel, ConsentAction } from './consent.js';

/**
 * The latest consent event per contact × channel × purpose, kept by a statement trigger on consent_events (every
 * insert, in the same transaction), so it cannot disagree with the events; it spares a million-contact query the
 * sort over all events.
 */
@Entity('consent_state')
export class ConsentState {
  @PrimaryColumn('uuid', { name: 'contact_id' })
  contactId: string;

  @ManyToOne('Contact', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @PrimaryColumn('text')
  channel: Channel;

  @PrimaryColumn('text')
  purpose: string;

  @Column('text')
  status: ConsentAction;

  @Column('bigint', { name: 'event_id' })
  eventId: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('timestamptz', { name: 'recorded_at' })
  recordedAt: Date;
}
