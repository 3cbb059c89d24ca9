export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CONSENT_ACTIONS = ['requested', 'confirmed', 'withdrawn'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

export const CONSENT_STATUSES = ['none', ...CONSENT_ACTIONS] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const CONSENT_SOURCES = ['import', 'form', 'link', 'sms-keyword', 'api', 'admin'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
