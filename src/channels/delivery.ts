/**
 * What a provider said about one send, in words no other part of the product needs to translate: sent with the
 * provider's id, or failed with a neutral class (and the provider's own code and text, kept for the ledger).
 * `opted-out` and `hard-bounce` end the address's consent; `permanent` failures are final, the others may succeed
 * when tried again.
 */
export type FailureClass =
  'opted-out' | 'hard-bounce' | 'invalid-address' | 'rejected' | 'rate-limited' | 'transient';

export type SendOutcome =
  | { ok: true; providerId: string }
  | { ok: false; failure: FailureClass; permanent: boolean; code: string; reason: string };

export const failed = (failure: FailureClass, code: string, reason: string): SendOutcome => ({
  ok: false,
  failure,
  permanent: failure !== 'rate-limited' && failure !== 'transient',
  code,
  reason,
});

/** The channel whose address a failure declares dead or opted out, if it does. */
export function refusedChannel(failure: FailureClass | null): 'email' | 'sms' | null {
  return failure === 'opted-out' ? 'sms' : failure === 'hard-bounce' ? 'email' : null;
}

/** An email as the product writes it, for any email driver. */
export interface Email {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The signed one-click URL: becomes List-Unsubscribe with List-Unsubscribe-Post (RFC 8058). */
  unsubscribeUrl?: string;
  language?: string;
  /** Makes the Message-ID: the ledger row's id, so a message can be traced from any inbox back to its row. */
  id?: string;
}

/**
 * A way to send SMS. Adding a provider: one file in `channels/drivers/` implementing this (and `SmsCallbacks` when
 * it calls back), and one line in `sms-providers.ts`.
 */
export interface SmsDriver {
  /** Where messages go, for the start-up message. */
  readonly target: string;
  send(to: string, body: string): Promise<SendOutcome>;
  close?(): void;
}

/** A way to send email; adding one: a file in `channels/drivers/` and its name in `EMAIL_PROVIDER`. */
export interface EmailDriver {
  readonly target: string;
  send(email: Email, messageId: string): Promise<SendOutcome>;
  close?(): void;
}
