import { ConsoleLogger, type LogLevel } from '@nestjs/common';

const EMAIL = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+\.[a-z]{2,63}/gi;
/** What people put between the digits of a number: a space, a dash or slash, brackets, the German "(0)". */
const SEPARATOR = String.raw`(?:\s?[-/]\s?|\s?\(0\)\s?|\s?\(|\)\s?|\s)`;
/**
 * Phone numbers: E.164 as we store them and national or international ones as people write them (`+49 (0)151 …`,
 * `0151 2222 3333`, `(030) 1234567`, `0049 …`), 7 to 17 digits. A number written without `+` or a bracket starts
 * on its own and ends there: digits that continue a word, an id or a decimal, or run on into letters or a dash
 * (`SM0123…`, `01234567-89ab-…`, `wave-0123456789`, `0.0012345`), are not a number, so ids stay readable.
 */
const PHONE = new RegExp(
  String.raw`(?:\+|\((?=0)|(?<![\w.-])(?=0))\d(?:${SEPARATOR}?\d){6,16}(?![\w-])`,
  'g',
);

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
