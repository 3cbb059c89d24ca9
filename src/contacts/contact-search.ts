import type { CountryCode } from 'libphonenumber-js';
import { parsePhone } from './contact-row.js';

/**
 * A contact's names as the search reads them. The trigram index IDX_contacts_name_search (migration 1796500000000)
 * is on exactly this expression, so a change here needs a new index.
 */
export const CONTACT_NAME_TEXT = `lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))`;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/**
 * The conditions of a contact search, all of which a contact must meet; `params` gets their values. Every word must
 * be in a name (anywhere: "meyer anna" finds Anna Meyer, "mey" Müller-Meyer) or begin the email address or the
 * postal code. A search that reads as a phone number, however written (`0151 2345 6789`, `+49 151 …`), also finds
 * that number, read as the import reads numbers. Each has its index: trigrams on the names, text_pattern_ops on
 * email and postal code (prefixes in any collation), and the phone's own.
 */
export function searchConditions(q: string, country: CountryCode, params: unknown[]): string[] {
  const text = q.trim();
  const words = text
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) => {
      const contains = params.push(`%${escapeLike(word)}%`);
      const begins = params.push(`${escapeLike(word)}%`);
      return `(${CONTACT_NAME_TEXT} LIKE lower($${contains}) OR c.email LIKE lower($${begins})
        OR c.postal_code LIKE upper($${begins}))`;
    });
  const phone = /^[+(\d][\d\s()./-]*$/.test(text) ? phoneOf(text, country) : null;
  return phone ? [`(c.phone = $${params.push(phone)} OR (${words.join(' AND ')}))`] : words;
}

function phoneOf(text: string, country: CountryCode): string | null {
  try {
    return parsePhone(text, country).e164;
  } catch {
    return null;
  }
}
