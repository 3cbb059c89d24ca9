import { ViewColumn, ViewEntity } from 'typeorm';
import type { Channel, ConsentAction } from './consent.js';

/**
 * The current consent per contact × channel × purpose: the latest event. Derived, never stored, so it cannot
 * disagree with the events; the index on consent_events (contact_id, channel, purpose, id) serves it.
 */
@ViewEntity({
  name: 'consent_current',
  expression: `
    SELECT DISTINCT ON (contact_id, channel, purpose)
      contact_id, channel, purpose, action AS status, id AS event_id, occurred_at, recorded_at
    FROM consent_events
    WHERE contact_id IS NOT NULL
    ORDER BY contact_id, channel, purpose, id DESC`,
})
export class ConsentCurrent {
  @ViewColumn({ name: 'contact_id' })
  contactId: string;

  @ViewColumn()
  channel: Channel;

  @ViewColumn()
  purpose: string;

  @ViewColumn()
  status: ConsentAction;

  @ViewColumn({ name: 'event_id' })
  eventId: string;

  @ViewColumn({ name: 'occurred_at' })
  occurredAt: Date;

  @ViewColumn({ name: 'recorded_at' })
  recordedAt: Date;
}
