import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const env = loadConfig({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DEFAULT_COUNTRY).toBe('DE');
  });

  it('reads numbers from strings', () => {
    expect(loadConfig({ PORT: '8080' }).PORT).toBe(8080);
  });

  it('lists every wrong value at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', DEFAULT_COUNTRY: 'germany' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/DEFAULT_COUNTRY/);
  });
});
