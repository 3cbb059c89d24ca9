import { ConsoleLogger, type LogLevel } from '@nestjs/common';

const EMAIL = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+\.[a-z]{2,63}/gi;
/** E.164 numbers as we store them, and national ones as people write them (a leading 0, spaces or dashes). */
const PHONE = /(?:\+|\b0)\d(?:[\s\-/]?\d){6,14}\b/g;

/** Replaces email addresses and phone numbers in a text: no log line may carry them. */
export function scrubPersonalData(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, '[phone]');
}

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug'];

/**
 * The one logger of every process: fields that name a person are masked (`redact`), and every message and stack is
 * scrubbed of addresses, whoever wrote it (a provider's error text often quotes the recipient).
 */
export class ScrubbingLogger extends ConsoleLogger {
  constructor(level: LogLevel) {
    super({
      logLevels: LEVELS.slice(0, LEVELS.indexOf(level) + 1),
      redact: ['email', 'phone', 'to', 'address', 'firstName', 'lastName', 'first_name', 'last_name'],
    });
  }

  protected override printMessages(messages: unknown[], ...rest: unknown[]) {
    const scrubbed = messages.map((m) => (typeof m === 'string' ? scrubPersonalData(m) : m));
    (super.printMessages as (...args: unknown[]) => void).call(this, scrubbed, ...rest);
  }

  protected override printStackTrace(stack: string) {
    super.printStackTrace(scrubPersonalData(stack));
  }
}
