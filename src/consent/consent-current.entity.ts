import { ViewColumn, ViewEntity } from 'typeorm';
import type { Channel, ConsentAction } from './consent.js';
import { ConsentState } from './consent-state.entity.js';

/** The current consent per contact × channel × purpose, as the API and every query read it (from consent_state). */
@ViewEntity({
  name: 'consent_current',
  dependsOn: [ConsentState],
  expression: `
    SELECT contact_id, channel, purpose, status, event_id, occurred_at, recorded_at FROM consent_state`,
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
