/** The strings of the second factor: at sign-in, on the user's own account and in the admins' accounts list. */
export const secondFactorDe = {
  // Sign-in
  codeTitle: 'Bestätigungscode',
  codeIntro: 'Gib den sechsstelligen Code aus deiner Authenticator-App ein.',
  code: 'Code',
  codeHint: 'Ohne die App: einer deiner Wiederherstellungscodes (jeder gilt einmal).',
  confirm: 'Bestätigen',
  back: 'Zurück zur Anmeldung',
  enrolTitle: 'Zweiten Faktor einrichten',
  enrolRequired:
    'Deine Rolle meldet sich mit einem zweiten Faktor an. Richte ihn jetzt in einer Authenticator-App ein (z. B. FreeOTP, Aegis, Google oder Microsoft Authenticator).',
  showQr: 'QR-Code anzeigen',
  scan: 'Scanne den QR-Code mit der App, oder gib den Schlüssel von Hand ein:',
  qrAlt: 'QR-Code für die Authenticator-App',
  secret: 'Schlüssel',
  firstCode: 'Erster Code aus der App',
  recoveryTitle: 'Deine Wiederherstellungscodes',
  recoveryIntro:
    'Nur jetzt sichtbar: schreibe sie auf oder lege sie in einen Passwortspeicher. Jeder Code ersetzt die App bei genau einer Anmeldung.',
  continue: 'Weiter',
  // Own account
  account: 'Mein Zugang',
  status: 'Zweiter Faktor',
  on: (since: string, left: number) => `eingerichtet seit ${since}; ${left} Wiederherstellungscodes übrig`,
  off: 'nicht eingerichtet',
  requiredForRole: 'Deine Rolle braucht einen zweiten Faktor.',
  setUp: 'Zweiten Faktor einrichten',
  enabled: 'Der zweite Faktor ist eingerichtet: ab der nächsten Anmeldung fragt sie nach einem Code.',
  // Admins
  column: '2. Faktor',
  yes: 'eingerichtet',
  no: '–',
  reset: 'Zweiten Faktor zurücksetzen',
  wasReset: (name: string, sessions: number) =>
    `Der zweite Faktor von ${name} ist entfernt; ${sessions} ${sessions === 1 ? 'Sitzung' : 'Sitzungen'} beendet.`,
};

export const secondFactorEn: typeof secondFactorDe = {
  codeTitle: 'Verification code',
  codeIntro: 'Enter the six-digit code from your authenticator app.',
  code: 'Code',
  codeHint: 'Without the app: one of your recovery codes (each works once).',
  confirm: 'Confirm',
  back: 'Back to sign-in',
  enrolTitle: 'Set up a second factor',
  enrolRequired:
    'Your role signs in with a second factor. Set it up now in an authenticator app (e.g. FreeOTP, Aegis, Google or Microsoft Authenticator).',
  showQr: 'Show the QR code',
  scan: 'Scan the QR code with the app, or type the key in by hand:',
  qrAlt: 'QR code for the authenticator app',
  secret: 'Key',
  firstCode: 'First code from the app',
  recoveryTitle: 'Your recovery codes',
  recoveryIntro:
    'Shown only now: write them down or keep them in a password manager. Each code stands in for the app for exactly one sign-in.',
  continue: 'Continue',
  account: 'My account',
  status: 'Second factor',
  on: (since: string, left: number) => `set up since ${since}; ${left} recovery codes left`,
  off: 'not set up',
  requiredForRole: 'Your role needs a second factor.',
  setUp: 'Set up a second factor',
  enabled: 'The second factor is set up: from your next sign-in on, a code is asked for.',
  column: '2nd factor',
  yes: 'set up',
  no: '–',
  reset: 'Reset second factor',
  wasReset: (name: string, sessions: number) =>
    `${name}'s second factor is removed; ${sessions} ${sessions === 1 ? 'session' : 'sessions'} ended.`,
};
