import { parseContactRow } from '../contacts/contact-row.js';
import { contactColumns } from '../contacts/contact-columns.js';
import { syntheticContacts } from './synthetic-contacts.js';
import { syntheticPostcodes, syntheticRegions } from './synthetic-regions.js';

const regions = [
  { code: '1', population: 300 },
  { code: '2', population: 100 },
];

describe('synthetic data', () => {
  it('gives the same contacts for the same seed and others for another seed', () => {
    const a = [...syntheticContacts(200, 5, regions)];
    expect([...syntheticContacts(200, 5, regions)]).toEqual(a);
    expect([...syntheticContacts(200, 6, regions)]).not.toEqual(a);
  });

  it('spreads contacts by population, in several languages, with a few deliberately invalid rows', () => {
    const [headerLine, ...lines] = [...syntheticContacts(4000, 1, regions)];
    const header = headerLine.split(',');
    const ctx = { header, columns: contactColumns(header), country: 'DE' as const };
    const rows = lines.map((l) => parseContactRow(l.split(','), ctx));
    const bad = rows.filter((r) => !r.row).length;
    expect(bad / rows.length).toBeGreaterThan(0.01);
    expect(bad / rows.length).toBeLessThan(0.08);
    const good = rows.flatMap((r) => (r.row ? [r.row] : []));
    const inFirst = good.filter((r) => r.regionCode === '1').length / good.length;
    expect(inFirst).toBeGreaterThan(0.7);
    expect(inFirst).toBeLessThan(0.8);
    expect(new Set(good.map((r) => r.language))).toEqual(new Set(['de', 'en', 'tr', 'ar', 'ru', 'uk', 'pl']));
    expect(good.some((r) => r.emailConfirmedAt && r.consentIp)).toBe(true);
    expect(good.some((r) => r.emailConsent === false)).toBe(true);
    expect(good.some((r) => r.smsConsent === true)).toBe(true);
  });

  it('writes a made-up country in the official layout, with postal codes per district', () => {
    const { csv, regions: made } = syntheticRegions(24, 7);
    expect(csv.startsWith('\uFEFF# ')).toBe(true);
    expect(csv).toContain('Land;Wahlkreis-Nr.;Wahlkreis-Name;');
    expect(csv).toContain(';999;Insgesamt;');
    expect(made).toHaveLength(24);
    expect(syntheticPostcodes('3')).toHaveLength(4);
    expect(syntheticPostcodes('3')[0]).toMatch(/^\d{5}$/);
  });
});
