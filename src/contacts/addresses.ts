import {
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/max';

/*
 * A person's addresses and settings as every way in writes them (a contacts file, the public sign-up, a provider's
 * report): email, phone in E.164, language, time zone.
 */

const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,63}$/;

export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email) || email.includes('..') || email.split('@')[0].length > 64) {
    throw new Error(`not a valid email address`);
  }
  return email;
}

/** The main country of a calling code, where several share it (+1 is the United States, +7 Russia). */
const MAIN_COUNTRY: Record<string, CountryCode> = {
  '1': 'US',
  '7': 'RU',
  '44': 'GB',
  '47': 'NO',
  '61': 'AU',
};
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });
const WITH_ARTICLE = new Set([
  'GB',
  'US',
  'NL',
  'AE',
  'PH',
  'DO',
  'CZ',
  'BS',
  'GM',
  'CD',
  'CG',
  'CF',
  'MV',
  'KM',
]);

function countryName(code: CountryCode): string {
  const name = REGION_NAMES.of(code) ?? code;
  return code === 'CZ' ? 'Czechia' : WITH_ARTICLE.has(code) ? `the ${name}` : name;
}

export interface Phone {
  e164: string;
  /** A landline cannot receive SMS: the number is kept, but is not an SMS address. */
  landline: boolean;
}

/**
 * Judges a phone number with libphonenumber-js's full metadata. The reason says why in words a person understands:
 * "too short for Germany", "not a valid number in the United Kingdom".
 */
export function parsePhone(raw: string, country: CountryCode): Phone {
  const text = raw.trim();
  const length = validatePhoneNumberLength(text, country);
  if (length === 'NOT_A_NUMBER' || !/\d/.test(text)) throw new Error('not a phone number');
  const phone = parsePhoneNumberFromString(text, country);
  const code = phone?.countryCallingCode ?? callingCode(text) ?? getCountryCallingCode(country);
  const where =
    phone?.country ??
    (getCountryCallingCode(country) === code
      ? country
      : (MAIN_COUNTRY[code] ?? getCountries().find((c) => getCountryCallingCode(c) === code)));
  const name = where ? countryName(where) : `the +${code} area`;
  if (length === 'TOO_SHORT') throw new Error(`too short for ${name}`);
  if (length === 'TOO_LONG') throw new Error(`too long for ${name}`);
  if (length === 'INVALID_COUNTRY') throw new Error('no country code (+49 …) and no default country');
  if (!phone?.isValid()) throw new Error(`not a valid number in ${name}`);
  return { e164: phone.number, landline: phone.getType() === 'FIXED_LINE' };
}

/** The calling code a number written with + or 00 starts with (codes are prefix-free). */
function callingCode(text: string): string | undefined {
  const digits = /^(?:\+|00)\s*([\d\s]+)/.exec(text)?.[1].replace(/\s/g, '');
  if (!digits) return undefined;
  const codes = new Set(getCountries().map((c) => getCountryCallingCode(c)));
  return [1, 2, 3].map((n) => digits.slice(0, n)).find((prefix) => codes.has(prefix));
}

export function normalisePhone(raw: string, country: CountryCode): string {
  return parsePhone(raw, country).e164;
}

const LANGUAGE_NAMES: Record<string, string> = {
  deutsch: 'de',
  german: 'de',
  englisch: 'en',
  english: 'en',
  türkisch: 'tr',
  turkish: 'tr',
  türkçe: 'tr',
  arabisch: 'ar',
  arabic: 'ar',
  russisch: 'ru',
  russian: 'ru',
  ukrainisch: 'uk',
  ukrainian: 'uk',
  polnisch: 'pl',
  polish: 'pl',
  französisch: 'fr',
  french: 'fr',
  spanisch: 'es',
  spanish: 'es',
};

/** The languages the importer knows by name (any other two-letter code is accepted as it is written). */
export const NAMED_CONTACT_LANGUAGES = [...new Set(Object.values(LANGUAGE_NAMES))];

export function normaliseLanguage(raw: string): string {
  const v = raw.trim().toLowerCase();
  if (/^[a-z]{2}([-_][a-z]{2})?$/.test(v)) return v.slice(0, 2);
  const named = LANGUAGE_NAMES[v];
  if (named) return named;
  throw new Error(`not a language code such as de or en`);
}

const zones = new Map<string, boolean>();
export function checkTimeZone(raw: string): string {
  const zone = raw.trim();
  if (!zones.has(zone)) {
    let ok = true;
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      ok = false;
    }
    zones.set(zone, ok && zone.includes('/'));
  }
  if (!zones.get(zone)) throw new Error(`not an IANA time zone such as Europe/Berlin`);
  return zone;
}
