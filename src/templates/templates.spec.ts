import { STRUKTURDATEN_KEYS } from '../regions/strukturdaten.js';
import { DEFAULT_TEMPLATES } from './default-templates.js';
import { checkPlaceholders, escapeHtml, eventPlaceholdersIn, render } from './placeholders.js';
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

describe('the default template library', () => {
  it('has the issues a campaign leads with', () => {
    expect(DEFAULT_TEMPLATES.map((t) => t.key)).toEqual(
      expect.arrayContaining([
        'housing',
        'inflation',
        'climate',
        'jobs',
        'health',
        'pensions',
        'peace',
        'transit',
        'education',
      ]),
    );
  });

  it('keeps event placeholders out of the campaign templates and in their reminders', () => {
    const campaign = DEFAULT_TEMPLATES.filter((t) => !t.key.endsWith('-reminder'));
    expect(campaign).toHaveLength(9);
    for (const t of campaign) {
      expect(eventPlaceholdersIn(t.content)).toEqual([]);
      const reminder = DEFAULT_TEMPLATES.find((r) => r.key === `${t.key}-reminder`)!;
      expect(eventPlaceholdersIn(reminder.content)).toEqual(['event_date', 'event_place']);
      for (const language of ['de', 'en'] as const) {
        expect(t.content[language].text).not.toMatch(/ : \.|, \.|\{\{event/);
        expect(reminder.content[language].sms).toContain('{{event_date}}');
      }
    }
  });

  it.each(DEFAULT_TEMPLATES.map((t) => [t.key, t] as const))(
    '%s: weighs known features and explains why',
    (_key, template) => {
      expect(Object.keys(template.weights).every((k) => STRUKTURDATEN_KEYS.includes(k))).toBe(true);
      expect(template.reasoning.length).toBeGreaterThan(40);
    },
  );

  it.each(
    DEFAULT_TEMPLATES.flatMap((t) => (['de', 'en'] as const).map((l) => [t.key, l, t.content[l]] as const)),
  )(
    '%s (%s): valid placeholders, an opt-out everywhere, at most two SMS parts',
    (_key, _language, content) => {
      for (const text of [content.subject, content.html, content.text, content.sms])
        expect(checkPlaceholders(text)).toEqual([]);
      expect(content.html).toContain('{{opt_out_link}}');
      expect(content.text).toContain('{{opt_out_link}}');
      expect(content.sms).toMatch(/STOP/);
      expect(
        smsSegments(
          render(
            content.sms,
            {
              region_name: 'Berlin-Friedrichshain-Kreuzberg – Prenzlauer Berg Ost',
              event_date: '23.02.2025 18:00',
              event_place: 'Rathaus',
            },
            'text',
          ),
        ).segments,
      ).toBeLessThanOrEqual(2);
    },
  );
});
