import { Column, Entity, Index, PrimaryColumn, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Contact } from '../contacts/contact.entity.js';
import type { Channel, ConsentAction } from './consent.js';

/** A cache of the latest consent event per contact × channel × purpose, written in the same transaction. */
@Entity('consent_states')
@Index(['channel', 'purpose', 'status'])
export class ConsentState {
  @PrimaryColumn('uuid', { name: 'contact_id' })
  contactId: string;

  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
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

  @Column('timestamptz', { name: 'changed_at' })
  changedAt: Date;
}
