import { checkPlaceholders, escapeHtml, render } from './placeholders.js';
import { smsSegments } from './sms-segments.js';

describe('placeholders', () => {
  it('accepts the known ones and refuses others by name', () => {
    expect(checkPlaceholders('Hallo {{first_name}}, {{ region_name }}: {{opt_out_link}}')).toEqual([]);
    expect(checkPlaceholders('Hi {{firstname}} {{iban}}')).toEqual([
      'unknown placeholder {{firstname}} (known: first_name, region_name, event_date, event_place, opt_out_link)',
      'unknown placeholder {{iban}} (known: first_name, region_name, event_date, event_place, opt_out_link)',
    ]);
    expect(checkPlaceholders('Hi {{first_name')).toEqual(['a placeholder is not closed: write {{name}}']);
  });

  it('escapes values in HTML but not in plain text', () => {
    const values = { first_name: '<script>alert("x")</script> & Co' };
    expect(render('<p>Hallo {{first_name}}</p>', values, 'html')).toBe(
      '<p>Hallo &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</p>',
    );
    expect(render('Hallo {{first_name}}', values, 'text')).toBe('Hallo <script>alert("x")</script> & Co');
    expect(escapeHtml("O'Brien")).toBe('O&#39;Brien');
  });
});

describe('SMS segments', () => {
  it.each([
    ['160 plain letters', 'a'.repeat(160), 'GSM-7', 160, 1],
    ['161 plain letters', 'a'.repeat(161), 'GSM-7', 161, 2],
    ['306 plain letters', 'a'.repeat(306), 'GSM-7', 306, 2],
    ['307 plain letters', 'a'.repeat(307), 'GSM-7', 307, 3],
    ['German with umlaut and €', 'Miete runter! Ändern wir das. €', 'GSM-7', 32, 1],
    ['160 braces (two septets each)', '{}'.repeat(80), 'GSM-7', 320, 3],
    ['a Turkish ş', 'Kira ş', 'UCS-2', 6, 1],
    ['71 UCS-2 characters', 'ş'.repeat(71), 'UCS-2', 71, 2],
  ] as const)('%s → %s, %d units, %d part(s)', (_name, text, encoding, units, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, units, segments });
  });
});
