import { pick, pickWeighted, seededRandom } from '../common/random.js';
import { syntheticPostcodes } from './synthetic-regions.js';

/** Synthetic supporters only: names are combined from common name lists, emails use reserved example domains. */
const NAMES: Record<string, { first: string[]; last: string[]; weight: number }> = {
  de: {
    first: [
      'Anna',
      'Lukas',
      'Marie',
      'Jonas',
      'Sophie',
      'Felix',
      'Lena',
      'Paul',
      'Jana',
      'Tim',
      'Jürgen',
      'Käthe',
    ],
    last: [
      'Müller',
      'Schmidt',
      'Schneider',
      'Fischer',
      'Weber',
      'Meyer',
      'Wagner',
      'Becker',
      'Hoffmann',
      'Schäfer',
    ],
    weight: 75,
  },
  en: {
    first: ['Emma', 'Oliver', 'Amelia', 'Harry', 'Grace', 'Jack'],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson'],
    weight: 5,
  },
  tr: {
    first: ['Ayşe', 'Mehmet', 'Elif', 'Mustafa', 'Zeynep', 'Emre'],
    last: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik'],
    weight: 7,
  },
  ar: {
    first: ['Fatima', 'Ahmad', 'Layla', 'Omar', 'Nour', 'Youssef'],
    last: ['Haddad', 'Khalil', 'Nasser', 'Saleh', 'Mansour'],
    weight: 4,
  },
  ru: {
    first: ['Olga', 'Dmitri', 'Natalia', 'Sergei', 'Irina'],
    last: ['Ivanova', 'Petrov', 'Smirnova', 'Volkov', 'Popov'],
    weight: 3,
  },
  uk: {
    first: ['Oksana', 'Taras', 'Iryna', 'Andrii', 'Yulia'],
    last: ['Shevchenko', 'Kovalenko', 'Bondarenko', 'Tkachenko'],
    weight: 3,
  },
  pl: {
    first: ['Agnieszka', 'Piotr', 'Katarzyna', 'Tomasz', 'Magda'],
    last: ['Nowak', 'Kowalski', 'Wiśniewska', 'Wójcik'],
    weight: 3,
  },
};
const LANGUAGES = Object.keys(NAMES);
const LANGUAGE_WEIGHTS = cumulative(LANGUAGES.map((l) => NAMES[l].weight));
const DOMAINS = ['example.org', 'example.com', 'example.net', 'mail.example', 'post.example'];
/** German mobile prefixes with the number of digits that follow them. */
const MOBILE: [string, number][] = [
  ['151', 8],
  ['160', 7],
  ['170', 7],
  ['171', 7],
  ['172', 7],
  ['175', 7],
  ['176', 8],
  ['177', 8],
  ['178', 8],
  ['179', 8],
];
const BAD_EMAILS = ['{u}@', '{u}.example.org', '{u}@@example.org', '{u} @example.org'];
const BAD_PHONES = ['12345', '+49 1', '0000'];

export const CONTACT_HEADER =
  'external_id,first_name,last_name,email,phone,postal_code,region,language,email_consent,sms_consent,consent_at,email_confirmed_at,sms_confirmed_at,consent_ip,consent_text_version';

function cumulative(weights: number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

const ascii = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z]/g, '');

export interface RegionWeight {
  code: string;
  population: number;
}

/**
 * Yields CSV lines (header first) for `count` synthetic contacts spread over the regions by population, with
 * about 2 % invalid emails and 2 % invalid phones and every consent state (none, requested, confirmed, withdrawn).
 */
export function* syntheticContacts(count: number, seed: number, regions: RegionWeight[]): Generator<string> {
  const random = seededRandom(seed);
  const weights = cumulative(regions.map((r) => r.population));
  yield CONTACT_HEADER;
  const start = Date.UTC(2024, 0, 1);
  for (let i = 1; i <= count; i++) {
    const language = pickWeighted(random, LANGUAGES, LANGUAGE_WEIGHTS);
    const first = pick(random, NAMES[language].first);
    const last = pick(random, NAMES[language].last);
    const region = pickWeighted(random, regions, weights);
    const user = `${ascii(first)}.${ascii(last)}.${i}`;
    const r = random();
    const email =
      r < 0.02
        ? pick(random, BAD_EMAILS).replace('{u}', user)
        : r < 0.9
          ? `${user}@${pick(random, DOMAINS)}`
          : '';
    const p = random();
    const [prefix, digits] = pick(random, MOBILE);
    const mobile = `+49${prefix}${String(Math.floor(random() * 10 ** digits)).padStart(digits, '0')}`;
    const phone = p < 0.02 ? pick(random, BAD_PHONES) : p < 0.6 || !email ? mobile : '';
    const consentAt = new Date(start + Math.floor(random() * 300 * 86_400_000));
    const emailState = random();
    const emailConsent = !email
      ? ''
      : emailState < 0.25
        ? ''
        : emailState < 0.3
          ? 'nein'
          : emailState < 0.65
            ? 'ja'
            : '1';
    const confirmed = emailConsent && emailConsent !== 'nein' && random() < 0.6;
    const confirmedAt = confirmed ? new Date(consentAt.getTime() + 600_000).toISOString() : '';
    const smsState = random();
    const smsConsent = !phone ? '' : smsState < 0.5 ? '' : smsState < 0.55 ? 'no' : 'yes';
    const smsConfirmedAt =
      smsConsent === 'yes' && random() < 0.5 ? new Date(consentAt.getTime() + 300_000).toISOString() : '';
    const ip = confirmed ? `198.51.100.${1 + Math.floor(random() * 254)}` : '';
    const postcode = pick(random, syntheticPostcodes(region.code));
    yield [
      `c${i}`,
      first,
      last,
      email,
      phone,
      postcode,
      region.code,
      language,
      emailConsent,
      smsConsent,
      emailConsent || smsConsent ? consentAt.toISOString() : '',
      confirmedAt,
      smsConfirmedAt,
      ip,
      emailConsent ? 'v1' : '',
    ].join(',');
  }
}
