import type { Channel } from './consent.js';

/**
 * The address a channel sends to, as SQL over a contacts row: the email, or the phone unless it is a landline (kept
 * as the person's number, but no SMS reaches it). The one place that says what an address is.
 */
export function addressSql(channel: Channel, contact = 'c'): string {
  return channel === 'email'
    ? `${contact}.email`
    : `CASE WHEN NOT ${contact}.phone_landline THEN ${contact}.phone END`;
}
