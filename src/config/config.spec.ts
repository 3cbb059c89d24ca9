import { ConfigError, loadConfig, mfaRequiredRoles } from './config.js';

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

  it('reads the approval threshold as a whole number of people, 1000 unless set', () => {
    expect(loadConfig({}).APPROVAL_THRESHOLD).toBe(1000);
    expect(loadConfig({ APPROVAL_THRESHOLD: '5' }).APPROVAL_THRESHOLD).toBe(5);
    expect(() => loadConfig({ APPROVAL_THRESHOLD: 'many' })).toThrow(/APPROVAL_THRESHOLD/);
    expect(() => loadConfig({ APPROVAL_THRESHOLD: '-1' })).toThrow(/APPROVAL_THRESHOLD/);
  });

  it('parses the frequency cap and quiet hours once, into typed values', () => {
    const env = loadConfig({ FREQUENCY_CAP: '2/5', QUIET_HOURS_SMS: '22-7', QUIET_HOURS_EMAIL: 'off' });
    expect(env.frequencyCap).toEqual({ messages: 2, days: 5 });
    expect(env.quietHours).toEqual({ sms: { from: 22, to: 7 }, email: null });
    expect(loadConfig({ FREQUENCY_CAP: 'off' }).frequencyCap).toBeNull();
  });

  it('chooses the providers by name, and refuses one without its settings', () => {
    expect(loadConfig({ SMS_PROVIDER: 'outbox' }).SMS_PROVIDER).toBe('outbox');
    expect(() => loadConfig({ SMS_PROVIDER: 'twilio' })).toThrow(
      /TWILIO_ACCOUNT_SID: required with SMS_PROVIDER=twilio/,
    );
    expect(() => loadConfig({ EMAIL_PROVIDER: 'smtp' })).toThrow(
      /SMTP_URL: required with EMAIL_PROVIDER=smtp/,
    );
    expect(() => loadConfig({ SMS_PROVIDER: 'Carrier Pigeon' })).toThrow(/SMS_PROVIDER/);
  });

  it('asks admins for a second factor unless told otherwise, and takes only roles or none', () => {
    expect(mfaRequiredRoles(loadConfig({}))).toEqual(['admin']);
    expect(mfaRequiredRoles(loadConfig({ MFA_REQUIRED_ROLES: 'admin,staff' }))).toEqual(['admin', 'staff']);
    expect(mfaRequiredRoles(loadConfig({ MFA_REQUIRED_ROLES: 'none' }))).toEqual([]);
    for (const bad of ['admins', 'admin,', 'admin, staff', 'all'])
      expect(() => loadConfig({ MFA_REQUIRED_ROLES: bad })).toThrow(/MFA_REQUIRED_ROLES must be roles/);
    expect(() => loadConfig({ MFA_KEYS: 'k1:short' })).toThrow(/MFA_KEYS must be id:secret pairs/);
  });
});
