/**
 * What a provider's failure code means, in words: the codes the drivers store (`smtp-` and the SMTP reply code,
 * Twilio's error codes, the connection errors of Node and nodemailer). Sources: RFC 5321 and RFC 3463 for SMTP,
 * https://www.twilio.com/docs/api/errors for Twilio.
 */
const MEANINGS: Record<string, string> = {
  'smtp-421': 'the mail server is not available and closed the connection',
  'smtp-450': 'the mailbox is unavailable for now (busy, or greylisting)',
  'smtp-451': 'the mail server had a local error',
  'smtp-452': 'the mail server is out of storage',
  'smtp-454': 'the mail server could not authenticate or start TLS for now',
  'smtp-500': 'the mail server did not understand a command',
  'smtp-501': "the mail server refused a command's arguments (often a malformed address)",
  'smtp-502': 'the mail server does not implement a command',
  'smtp-503': 'the mail server expected the commands in another order',
  'smtp-521': 'the domain accepts no mail',
  'smtp-530': 'the mail server requires authentication',
  'smtp-535': 'the mail server refused the login',
  'smtp-541': "refused by the recipient's spam filter",
  'smtp-550': 'no such mailbox, or the message was refused (a hard bounce: the address loses its consent)',
  'smtp-551': 'the user is not local to this server (a hard bounce: the address loses its consent)',
  'smtp-552': 'the mailbox is full or the message too large',
  'smtp-553': 'the mailbox name is not allowed (a hard bounce: the address loses its consent)',
  'smtp-554': 'the mail server refused the message, often as spam',
  'smtp-556': 'the domain accepts no mail',
  ECONNECTION: 'could not connect to the mail server',
  ECONNREFUSED: 'the provider refused the connection',
  ECONNRESET: 'the connection to the provider was reset',
  ETIMEDOUT: 'the provider did not answer in time',
  ESOCKET: 'a network error while talking to the provider',
  EDNS: "the provider's host name could not be resolved",
  EAUTH: 'the mail server refused the login',
  EENVELOPE: 'the mail server refused the sender or recipient address',
  '20003': 'Twilio refused the account credentials',
  '20429': 'too many requests to Twilio at once',
  '21211': "the 'To' phone number is not valid",
  '21408': 'the account may not send to this region',
  '21606': "the 'From' number cannot send SMS",
  '21608': 'a trial account may only send to verified numbers',
  '21610': 'the recipient replied STOP to this sender (the number loses its consent)',
  '21612': "the 'To' number cannot be reached from the 'From' number",
  '21614': "the 'To' number is not a mobile number",
  '21617': 'the message is too long',
  '30001': "Twilio's queue for the sender overflowed",
  '30002': 'the Twilio account is suspended',
  '30003': 'the handset is unreachable (switched off or out of coverage)',
  '30004': 'the message was blocked by the carrier or the recipient',
  '30005': 'the number is unknown or no longer in service',
  '30006': 'a landline, or a carrier that cannot be reached',
  '30007': 'the carrier filtered the message (spam)',
  '30008': 'the carrier reported an unknown error',
  unknown: 'a failure without a code',
};

/** The meaning of a failure code; a code not in the table is described by its family. */
export function failureMeaning(code: string): string {
  const known = MEANINGS[code];
  if (known) return known;
  const smtp = /^smtp-([245])\d\d$/.exec(code);
  if (smtp)
    return smtp[1] === '4' ? 'a temporary refusal by the mail server' : 'a refusal by the mail server';
  const http = /^http-([45])\d\d$/.exec(code);
  if (http)
    return http[1] === '4' ? 'the SMS provider refused the request' : 'the SMS provider had a server error';
  if (/^\d{5}$/.test(code)) return `Twilio error ${code} (https://www.twilio.com/docs/api/errors/${code})`;
  return code;
}
