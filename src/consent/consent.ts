export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The consent to per-person click records: separate from every messaging purpose, off unless the person gives it.
 * Without it a click is counted for the message's group only (see README, "Clicks").
 */
export const ANALYTICS_PURPOSE = 'analytics';

export const CONSENT_ACTIONS = ['requested', 'confirmed', 'withdrawn'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

export const CONSENT_STATUSES = ['none', ...CONSENT_ACTIONS] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const CONSENT_SOURCES = ['import', 'form', 'link', 'sms-keyword', 'api', 'admin'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

const CHANNEL_NAMES: Record<Channel, string> = { email: 'Email', sms: 'SMS' };

/** A consent event in words, for the history a person or a regulator reads. */
export function describeConsentEvent(e: {
  channel: Channel;
  purpose: string;
  action: ConsentAction;
  source: ConsentSource;
  details: Record<string, unknown>;
}): string {
  const keyword = typeof e.details.keyword === 'string' ? e.details.keyword : null;
  const code = typeof e.details.code === 'string' ? e.details.code : null;
  const restored = e.details.restored === true;
  const how =
    e.source === 'sms-keyword' && keyword
      ? `by the SMS keyword "${keyword}"`
      : e.source === 'api' && code
        ? `because the provider refused the address (code ${code})`
        : `by ${e.source}`;
  const action = restored ? `${e.action} again` : e.action;
  return `${CHANNEL_NAMES[e.channel]}, ${e.purpose}: ${action} ${how}${restored ? ' (restores what STOP withdrew)' : ''}`;
}
