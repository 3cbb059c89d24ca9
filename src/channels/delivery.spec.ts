import { smtpFailure } from './drivers/smtp.js';
import { failureMeaning } from './failure-meanings.js';
import { twilioFailure } from './drivers/twilio.js';

describe('failure classes', () => {
  it('SMTP: 5xx permanent, 4xx and connection problems transient', () => {
    expect(smtpFailure({ responseCode: 550, response: '550 no such user' })).toEqual({
      ok: false,
      failure: 'hard-bounce',
      permanent: true,
      code: 'smtp-550',
      reason: '550 no such user',
    });
    expect(smtpFailure({ responseCode: 554, message: 'spam' })).toMatchObject({
      failure: 'rejected',
      permanent: true,
    });
    expect(smtpFailure({ responseCode: 451, message: 'try later' })).toMatchObject({
      failure: 'transient',
      permanent: false,
      code: 'smtp-451',
    });
    expect(smtpFailure({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' })).toMatchObject({
      permanent: false,
    });
    expect(smtpFailure({ code: 'ETIMEDOUT' })).toMatchObject({ permanent: false });
    expect(smtpFailure(new Error('odd'))).toMatchObject({ permanent: false, code: 'unknown' });
  });

  it('Twilio: 4xx with a code permanent, 429 and 5xx and no answer transient', () => {
    expect(twilioFailure({ status: 400, code: 21610, message: 'unsubscribed' })).toMatchObject({
      failure: 'opted-out',
      permanent: true,
      code: '21610',
    });
    expect(twilioFailure({ status: 400, code: 21211 })).toMatchObject({
      failure: 'invalid-address',
      permanent: true,
      code: '21211',
    });
    expect(twilioFailure({ status: 429, code: 20429 })).toMatchObject({
      failure: 'rate-limited',
      permanent: false,
      code: '20429',
    });
    expect(twilioFailure({ status: 503 })).toMatchObject({ permanent: false, code: 'http-503' });
    expect(twilioFailure({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })).toMatchObject({
      permanent: false,
      code: 'ECONNREFUSED',
    });
  });

  it('says what each stored code means, by its family when it is not in the table', () => {
    expect(failureMeaning('smtp-550')).toMatch(/^no such mailbox/);
    expect(failureMeaning('21610')).toMatch(/replied STOP/);
    expect(failureMeaning('ECONNECTION')).toBe('could not connect to the mail server');
    expect(failureMeaning('smtp-471')).toBe('a temporary refusal by the mail server');
    expect(failureMeaning('smtp-557')).toBe('a refusal by the mail server');
    expect(failureMeaning('http-503')).toBe('the SMS provider had a server error');
    expect(failureMeaning('63016')).toMatch(/^Twilio error 63016 /);
    expect(failureMeaning('EWHATEVER')).toBe('EWHATEVER');
  });
});
