import {
  MAX_LINK,
  MAX_TARGET,
  NONCE_LIMIT,
  signClick,
  verifyClick,
  type ClickClaims,
} from './click-token.js';
import { parseKeys } from './signed-links.js';

const current = parseKeys(
  'k2:second-secret-that-is-long-enough-000,k1:first-secret-that-is-long-enough-0000',
);
const previous = current.slice(1);
const messageId = '0190f3a2-7c4e-7d31-8a5b-3f2e1d0c9b8a';

describe('click tokens', () => {
  it.each([
    ['the smallest', { target: 1, link: 0, nonce: 0 }],
    ['a typical one', { target: 4711, link: 3, nonce: 123_456_789 }],
    ['the largest', { target: MAX_TARGET, link: MAX_LINK, nonce: NONCE_LIMIT - 1 }],
    ['one with a message id', { target: 12, link: 1, nonce: 99, messageId }],
  ] as [string, ClickClaims][])('%s reads back as written', (_name, claims) => {
    expect(verifyClick(signClick(claims, current), current)).toEqual(claims);
  });

  it('fits an SMS: /l/<token> is at most 24 characters for every target, link and nonce that fit', () => {
    // The length depends only on the target's varint (1 to 3 bytes); these are the longest of each width.
    for (const target of [1, 127, 128, 16_383, 16_384, MAX_TARGET]) {
      const token = signClick({ target, link: MAX_LINK, nonce: NONCE_LIMIT - 1 }, current);
      expect(`/l/${token}`.length).toBeLessThanOrEqual(24);
    }
    expect(() => signClick({ target: MAX_TARGET + 1, link: 0, nonce: 0 }, current)).toThrow(RangeError);
    expect(() => signClick({ target: 1, link: MAX_LINK + 1, nonce: 0 }, current)).toThrow(RangeError);
  });

  it('names nobody: without the analytics consent the token is target, link, nonce and signature only', () => {
    const bytes = Buffer.from(signClick({ target: 300, link: 2, nonce: 1 }, current), 'base64url');
    expect(bytes.length).toBe(2 + 1 + 5 + 6);
    expect(bytes.toString('hex')).not.toContain(messageId.replace(/-/g, '').slice(0, 8));
  });

  it('keeps working after a key rotation, and stops once the key is retired', () => {
    const claims = { target: 5, link: 0, nonce: 7 };
    expect(verifyClick(signClick(claims, previous), current)).toEqual(claims);
    expect(verifyClick(signClick(claims, current), previous)).toBeNull();
  });

  it('refuses every single-bit change of any character', () => {
    const token = signClick({ target: 4711, link: 3, nonce: 123_456_789, messageId }, current);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < token.length; i++)
      for (let bit = 0; bit < 6; bit++) {
        const flipped =
          token.slice(0, i) + alphabet[alphabet.indexOf(token[i]) ^ (1 << bit)] + token.slice(i + 1);
        expect(verifyClick(flipped, current)).toBeNull();
      }
  });

  it.each([
    [''],
    ['abc'],
    ['a.b'],
    ['<script>'],
    ['A'.repeat(61)],
    [signClick({ target: 1, link: 0, nonce: 0 }, current).slice(0, -2)],
  ])('refuses the malformed %p', (token) => {
    expect(verifyClick(token, current)).toBeNull();
  });
});
