import { ConfigError, type Env } from '../config/config.js';
import type { SmsCallbacks } from './callbacks.js';
import type { SmsDriver } from './delivery.js';
import { SmsOutboxDriver } from './drivers/sms-outbox.js';
import { TwilioCallbacks, TwilioDriver } from './drivers/twilio.js';

/** An SMS provider: how it sends, and, when it calls back, how its callbacks are read. */
export interface SmsProvider {
  driver: new (env: Env) => SmsDriver;
  callbacks?: new (env: Env) => SmsCallbacks;
}

/**
 * The SMS providers by name (`SMS_PROVIDER`, and the `<name>` of `/webhooks/<name>/…`). A new provider is one file
 * in `drivers/` and one line here.
 */
export const SMS_PROVIDERS: Record<string, SmsProvider> = {
  twilio: { driver: TwilioDriver, callbacks: TwilioCallbacks },
  outbox: { driver: SmsOutboxDriver },
};

/** The provider the configuration chooses: SMS_PROVIDER, else twilio when TWILIO_ACCOUNT_SID is set, else outbox. */
export function chosenSmsProvider(env: Env): SmsProvider {
  const name = env.SMS_PROVIDER ?? (env.TWILIO_ACCOUNT_SID ? 'twilio' : 'outbox');
  const provider = SMS_PROVIDERS[name];
  if (!provider)
    throw new ConfigError([
      `SMS_PROVIDER: no provider "${name}"; known: ${Object.keys(SMS_PROVIDERS).join(', ')}`,
    ]);
  return provider;
}
