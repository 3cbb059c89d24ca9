import { parseKeys, signLink, verifyLink, type LinkClaims } from './signed-links.js';

const claims: LinkClaims = {
  contactId: '5d0f8f2e-7f55-4d8e-9a61-0d7f3f3e6b11',
  channel: 'email',
  purpose: 'campaign-news',
  action: 'unsubscribe',
  expires: Math.floor(Date.UTC(2030, 0, 1) / 1000),
};
const current = parseKeys(
  'k2:second-secret-that-is-long-enough-000,k1:first-secret-that-is-long-enough-0000',
);
const previous = current.slice(1);

describe('signed links', () => {
  it('verifies what it signed, with the key id', () => {
    expect(verifyLink(signLink(claims, current), current)).toEqual({ ok: true, keyId: 'k2', claims });
  });

  it('still accepts a link signed with the previous key after rotation', () => {
    expect(verifyLink(signLink(claims, previous), current)).toMatchObject({ ok: true, keyId: 'k1' });
  });

  it('refuses a link whose key was retired', () => {
    expect(verifyLink(signLink(claims, current), previous)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses altered claims: another contact, channel, purpose, action or a later expiry', () => {
    const token = signLink(claims, current);
    const [payload, signature] = token.split('.');
    const fields = Buffer.from(payload, 'base64url').toString().split('|');
    for (const [i, value] of [
      [0, '00000000-0000-4000-8000-000000000000'],
      [1, 'sms'],
      [2, '*'],
      [3, 'confirm'],
      [4, String(claims.expires + 86400)],
    ] as const) {
      const changed = [...fields];
      changed[i] = value;
      const altered = `${Buffer.from(changed.join('|')).toString('base64url')}.${signature}`;
      expect(verifyLink(altered, current)).toEqual({ ok: false, reason: 'forged' });
    }
  });

  it('refuses a forged signature and malformed tokens', () => {
    const [payload] = signLink(claims, current).split('.');
    expect(verifyLink(`${payload}.${Buffer.alloc(32).toString('base64url')}`, current)).toEqual({
      ok: false,
      reason: 'forged',
    });
    for (const bad of ['', 'abc', 'a.b.c', `${payload}.`, '<script>.x'])
      expect(verifyLink(bad, current)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses every single-bit change of any character of the payload or the signature', () => {
    const token = signLink(claims, current);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let tried = 0;
    for (let i = 0; i < token.length; i++) {
      const at = alphabet.indexOf(token[i]);
      if (at < 0) continue; // the dot between the parts
      for (let bit = 0; bit < 6; bit++) {
        const flipped = token.slice(0, i) + alphabet[at ^ (1 << bit)] + token.slice(i + 1);
        expect(verifyLink(flipped, current).ok).toBe(false);
        tried++;
      }
    }
    expect(tried).toBe((token.length - 1) * 6);
  });

  it('carries the message a link came in, signed like the rest; a link without one has none', () => {
    const messageId = '0b7e6a7c-2f7e-4a43-9d55-5b1c1f0e9a01';
    const token = signLink({ ...claims, messageId }, current);
    expect(verifyLink(token, current)).toEqual({ ok: true, keyId: 'k2', claims: { ...claims, messageId } });
    expect(verifyLink(signLink(claims, current), current)).toEqual({ ok: true, keyId: 'k2', claims });
    const [payload, signature] = token.split('.');
    const fields = Buffer.from(payload, 'base64url').toString().split('|');
    for (const changed of [
      [...fields.slice(0, 6), '00000000-0000-4000-8000-000000000000'],
      fields.slice(0, 6),
    ]) {
      const altered = `${Buffer.from(changed.join('|')).toString('base64url')}.${signature}`;
      expect(verifyLink(altered, current)).toEqual({ ok: false, reason: 'forged' });
    }
  });

  it('refuses an expired link', () => {
    const old = signLink({ ...claims, expires: 1_000 }, current);
    expect(verifyLink(old, current)).toEqual({ ok: false, reason: 'expired' });
  });
});
