import {
  joinLinks,
  linkSpans,
  MAX_LINKS,
  numberLinks,
  splitAtLinks,
  type LinkFormat,
} from './link-numbers.js';

const urls = (text: string, format: LinkFormat) => linkSpans(text, format).map((s) => s.url);

describe('countable links', () => {
  it.each([
    ['a double-quoted href', '<a href="https://x.org/a">a</a>', 'html', ['https://x.org/a']],
    ['a single-quoted href', "<a href='http://x.org/b'>b</a>", 'html', ['http://x.org/b']],
    ['spaces around = and upper case', '<A HREF = "https://x.org/c">c</A>', 'html', ['https://x.org/c']],
    [
      '&amp; in an href, read as &',
      '<a href="https://x.org/?a=1&amp;b=2">q</a>',
      'html',
      ['https://x.org/?a=1&b=2'],
    ],
    ['numeric references', '<a href="https://x.org/&#47;d&#x3F;e=1">d</a>', 'html', ['https://x.org//d?e=1']],
    ['mailto: and tel: left alone', '<a href="mailto:a@x.org">m</a><a href="tel:+49301">t</a>', 'html', []],
    ['a relative or schemeless href left alone', '<a href="/about">a</a><a href="//x.org">b</a>', 'html', []],
    ['the opt-out placeholder left alone', '<a href="{{opt_out_link}}">abmelden</a>', 'html', []],
    [
      'a placeholder inside an address left alone',
      '<a href="https://x.org/{{region_name}}">r</a>',
      'html',
      [],
    ],
    ['an address outside an href is not a link in HTML', '<p>https://x.org/e</p>', 'html', []],
    ['an address in text', 'Mehr: https://x.org/f dazu', 'text', ['https://x.org/f']],
    ['a full stop after it', 'Siehe https://x.org/g.', 'text', ['https://x.org/g']],
    [
      'a comma, a colon and a question mark',
      'https://x.org/h, https://x.org/i: https://x.org/j?',
      'text',
      ['https://x.org/h', 'https://x.org/i', 'https://x.org/j'],
    ],
    ['a closing bracket it did not open', '(siehe https://x.org/k)', 'text', ['https://x.org/k']],
    [
      'a bracket it opened',
      'https://de.wikipedia.org/wiki/Miete_(Recht)',
      'text',
      ['https://de.wikipedia.org/wiki/Miete_(Recht)'],
    ],
    ['a query string kept', 'https://x.org/l?a=1&b=2 ok', 'text', ['https://x.org/l?a=1&b=2']],
    ['the opt-out placeholder in text', 'Abmelden: {{opt_out_link}}', 'text', []],
    ['a placeholder inside a text address', 'https://x.org/{{first_name}} ok', 'text', []],
    ['mailto in text', 'Schreib an mailto:a@x.org', 'text', []],
    ['no host', 'https:// nichts', 'text', []],
  ] as const)('%s', (_name, text, format, expected) => {
    expect(urls(text, format)).toEqual(expected);
  });
});

describe('numbering a template version', () => {
  const part = (html: string, text: string, sms: string) => ({ subject: 'S', html, text, sms });

  it('numbers each address once across HTML, text, SMS and both languages, in order of first appearance', () => {
    const content = {
      de: part(
        '<a href="https://x.org/miete">Miete</a> <a href="{{opt_out_link}}">ab</a>',
        'Miete: https://x.org/miete. Termine: https://x.org/termine',
        'Infos: https://x.org/sms',
      ),
      en: part('<a href="https://x.org/rent">Rent</a>', 'https://x.org/rent', 'https://x.org/miete'),
    };
    expect(numberLinks(content)).toEqual([
      'https://x.org/miete',
      'https://x.org/termine',
      'https://x.org/sms',
      'https://x.org/rent',
    ]);
  });

  it('is the same list every time for the same content', () => {
    const content = { de: part('<a href="https://a.org">a</a>', 'https://b.org', ''), en: part('', '', '') };
    expect(numberLinks(content)).toEqual(numberLinks(structuredClone(content)));
  });

  it('numbers at most MAX_LINKS addresses', () => {
    const many = Array.from({ length: MAX_LINKS + 5 }, (_, i) => `https://x.org/${i}`).join(' ');
    expect(numberLinks({ de: part('', many, ''), en: part('', '', '') })).toHaveLength(MAX_LINKS);
  });
});

describe('rewriting at the numbered links', () => {
  it('replaces exactly the numbered addresses, keeping the text around them and the placeholders', () => {
    const links = ['https://x.org/?a=1&b=2', 'https://x.org/k'];
    const html =
      '<a href="https://x.org/?a=1&amp;b=2">q</a> <a href="{{opt_out_link}}">ab</a> <a href="https://y.org">y</a>';
    expect(joinLinks(splitAtLinks(html, 'html', links), (i) => `T${i}`)).toBe(
      '<a href="T0">q</a> <a href="{{opt_out_link}}">ab</a> <a href="https://y.org">y</a>',
    );
    expect(joinLinks(splitAtLinks('(siehe https://x.org/k). Ende', 'text', links), (i) => `T${i}`)).toBe(
      '(siehe T1). Ende',
    );
  });
});
