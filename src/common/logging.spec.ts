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
    ['call 030 / 1234567', 'call [phone]'],
    ['call (030) 1234567', 'call [phone]'],
    ['mobile 0151/22223333.', 'mobile [phone].'],
    ['mobile 0151-2222-3333', 'mobile [phone]'],
    ['mobile +49 151 2222 3333', 'mobile [phone]'],
    ['mobile +49 (0)151 2222 3333', 'mobile [phone]'],
    ['mobile 0049 151 22223333', 'mobile [phone]'],
    ['mobile +33 6 12 34 56 78', 'mobile [phone]'],
    ['call +1 (415) 555-0100', 'call [phone]'],
    ['{"to":"+4915112345678","from":"015112345678"}', '{"to":"[phone]","from":"[phone]"}'],
    ['tel:+4915112345678, next', 'tel:[phone], next'],
    [
      'import 01234567-89ab-4cde-8f01-234567890123 for 0151 2222 3333',
      'import 01234567-89ab-4cde-8f01-234567890123 for [phone]',
    ],
  ])('%s', (text, scrubbed) => expect(scrubPersonalData(text)).toBe(scrubbed));

  it.each([
    'import 3f2a9c1e-0b7d-4e4f-9a3b-1c2d3e4f5a6b (contacts, mitglieder.csv): completed',
    'import 0c1e7c2e-1111-4d2c-abe7-37d969311416 (contacts, mitglieder.csv): completed',
    'import 01234567-89ab-4cde-8f01-234567890123: completed',
    'wave 00000000-0000-4000-8000-000000000001 paused',
    'message 7c0e2a9b-0b1c-4d2e-8f30-012345678901 sent as SM0123456789abcdef0123456789abcdef',
    'suppression hash 0123456789abcdef0123456789abcdef stored',
    'job wave-0123456789 and request req_0123456789 done',
    'sent at 2026-03-01T12:00:00.000Z from 192.0.2.10',
    'one batch took 0.0012345 s',
    '1000000 message(s) left ambiguous by a stopped worker',
    'smtp-451 after 1645 s',
  ])('leaves ids and other text alone: %s', (text) => expect(scrubPersonalData(text)).toBe(text));
});
