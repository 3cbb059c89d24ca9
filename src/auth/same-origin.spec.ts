import { foreignRequest, originOf, type RequestSource } from './same-origin.js';

const OWN = ['https://kampagne.example', 'http://127.0.0.1:3000'];

describe('foreignRequest: may a session cookie change something?', () => {
  it.each<[string, RequestSource]>([
    [
      'a same-origin fetch from a browser that leaves Origin out',
      { fetchSite: 'same-origin', referer: 'https://kampagne.example/app/' },
    ],
    ['the own public origin', { origin: 'https://kampagne.example' }],
    ['the address the request came to', { origin: 'http://127.0.0.1:3000' }],
    ['a default port written out', { origin: 'https://kampagne.example:443' }],
    ['an upper-case host', { origin: 'https://KAMPAGNE.example' }],
    ['only an own Referer (an old browser)', { referer: 'https://kampagne.example/app/waves?x=1' }],
    [
      'all three, agreeing',
      {
        fetchSite: 'same-origin',
        origin: 'https://kampagne.example',
        referer: 'https://kampagne.example/app/',
      },
    ],
  ])('allows %s', (_, source) => {
    expect(foreignRequest(source, OWN)).toBeNull();
  });

  it.each<[string, RequestSource, RegExp]>([
    ['another site', { origin: 'https://evil.example' }, /evil\.example/],
    ['a sibling subdomain', { origin: 'https://www.kampagne.example' }, /www\.kampagne/],
    ['the same host over http', { origin: 'http://kampagne.example' }, /http:\/\/kampagne/],
    ['another port', { origin: 'http://127.0.0.1:3001' }, /3001/],
    ['the opaque origin of a sandboxed frame', { origin: 'null' }, /null/],
    ['a cross-site fetch', { fetchSite: 'cross-site', origin: 'https://evil.example' }, /cross-site/],
    ['a sibling site, even without Origin', { fetchSite: 'same-site' }, /same-site/],
    ['a typed-in address', { fetchSite: 'none' }, /none/],
    [
      'a foreign Origin beside an own Referer',
      { origin: 'https://evil.example', referer: 'https://kampagne.example/' },
      /evil/,
    ],
    ['only a foreign Referer', { referer: 'https://evil.example/page' }, /Referer/],
    ['no header at all (curl with a cookie)', {}, /no Sec-Fetch-Site, Origin or Referer/],
    ['an empty Referer and nothing else', { referer: '' }, /no Sec-Fetch-Site/],
  ])('refuses %s, saying why', (_, source, why) => {
    expect(foreignRequest(source, OWN)).toMatch(why);
  });
});

describe('originOf', () => {
  it.each([
    ['https://kampagne.example/app/', 'https://kampagne.example'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['HTTPS://Kampagne.Example:443/x', 'https://kampagne.example'],
    ['null', null],
    ['file:///etc/passwd', null],
    ['not a url', null],
  ])('%s → %s', (url, origin) => {
    expect(originOf(url)).toBe(origin);
  });
});
