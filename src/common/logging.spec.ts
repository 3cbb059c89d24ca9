import { scrubPersonalData } from './logging.js';

describe('scrubPersonalData', () => {
  it.each([
    ['email to eva.mueller+news@example.org failed', 'email to [email] failed'],
    [
      '550 5.1.1 <dana@example.org>: Recipient address rejected',
      '550 5.1.1 <[email]>: Recipient address rejected',
    ],
    [
      "The 'To' number +4915112345678 is not a valid phone number.",
      "The 'To' number [phone] is not a valid phone number.",
    ],
    ['SMS to 0151 2222 3333 failed', 'SMS to [phone] failed'],
    ['call 030-1234567', 'call [phone]'],
  ])('%s', (text, scrubbed) => expect(scrubPersonalData(text)).toBe(scrubbed));

  it.each([
    'import 3f2a9c1e-0b7d-4e4f-9a3b-1c2d3e4f5a6b (contacts, mitglieder.csv): completed',
    '1000000 message(s) left ambiguous by a stopped worker',
    'smtp-451 after 1645 s',
  ])('leaves other text alone: %s', (text) => expect(scrubPersonalData(text)).toBe(text));
});
