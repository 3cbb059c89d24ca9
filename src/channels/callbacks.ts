import type { FailureClass } from './delivery.js';

/** A provider's request to one of our webhooks, as much of it as a provider's side needs to read. */
export interface ProviderRequest {
  /** The public URL it was posted to, as the provider signs it. */
  url: string;
  /** Whether the body came in this media type. */
  is(type: string): boolean;
  header(name: string): string | undefined;
  /** The form (or JSON) parameters, parsed. */
  body: Record<string, string>;
}

/** Why a request is not taken: it is not the provider's (403) or not in the form it posts (415). */
export interface Refusal {
  status: 403 | 415;
  text: string;
}

/** What a provider reported about one message it was given, in the ledger's words. */
export interface StatusReport {
  providerId: string;
  /** The provider's own word, kept as it came. */
  reported: string;
  /** The recipient it names, where it names one: tells apart messages a misbehaving provider gave one id. */
  recipient: string | null;
  /** What it means in the ledger, if anything. */
  status: 'sending' | 'sent' | 'delivered' | 'failed' | null;
  code: string | null;
  failure: FailureClass | null;
}

/** An SMS a person sent us. */
export interface InboundMessage {
  from: string | null;
  body: string;
  providerId: string | null;
}

/**
 * An SMS provider's side of its callbacks (`/webhooks/<name>/status` and `/webhooks/<name>/inbound`): whose the
 * request is, what it says, and how the provider wants an immediate reply written.
 */
export interface SmsCallbacks {
  /** Why the request is not taken, or null when the provider signed it. Checked before anything else is read. */
  refusal(request: ProviderRequest): Refusal | null;
  /** The report a status callback carries, or null when it carries none. */
  statusReport(body: Record<string, string>): StatusReport | null;
  inboundMessage(body: Record<string, string>): InboundMessage;
  /** The answer to an inbound message, with the reply to send at once (none: an empty answer). */
  reply(text: string | null): { type: string; body: string };
}
