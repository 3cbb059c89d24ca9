import { keywordIntent } from './sms-keywords.js';

describe('SMS keywords', () => {
  it('reads the whole message, ignoring case and spaces', () => {
    expect(keywordIntent(' stop ')).toBe('stop');
    expect(keywordIntent('Stop all')).toBe('stop');
    expect(keywordIntent('Abmelden!')).toBe('stop');
    expect(keywordIntent('ja')).toBe('start');
    expect(keywordIntent('Hilfe')).toBe('help');
  });

  it('does not act on a keyword inside a sentence', () => {
    expect(keywordIntent('please stop the war')).toBeNull();
    expect(keywordIntent('JA ABER')).toBeNull();
    expect(keywordIntent('')).toBeNull();
  });
});
