import { MESSAGE_LANGUAGES, messageLanguage, type MessageLanguage } from './languages.js';

/** Every word the public pages and consent messages say, one block per language. */
export const PAGE_LANGUAGES = MESSAGE_LANGUAGES;
export type PageLanguage = MessageLanguage;

export const STRINGS = {
  de: {
    invalidTitle: 'Link ungültig',
    invalidBody:
      'Dieser Link ist ungültig oder abgelaufen. Nutzen Sie den Link aus Ihrer neuesten Nachricht.',
    tooManyTitle: 'Zu viele Anfragen',
    tooManyBody: 'Bitte versuchen Sie es in einer Minute erneut.',
    confirmedTitle: 'Anmeldung bestätigt',
    confirmedBody: 'Danke! Sie erhalten ab jetzt unsere Nachrichten zu:',
    confirmNothing: 'Es gibt nichts mehr zu bestätigen.',
    unsubscribeTitle: 'Abmelden',
    unsubscribeBody: 'Sie erhalten dann keine Nachrichten mehr zu diesem Thema über diesen Kanal:',
    unsubscribeButton: 'Jetzt abmelden',
    unsubscribedTitle: 'Abgemeldet',
    unsubscribedBody: 'Sie sind abgemeldet und erhalten keine Nachrichten mehr zu:',
    alreadyUnsubscribedTitle: 'Bereits abgemeldet',
    alreadyUnsubscribedBody:
      'Sie sind bereits abgemeldet und erhalten über {channel} keine Nachrichten mehr zu:',
    preferencesTitle: 'Ihre Einstellungen',
    preferencesBody: 'Wählen Sie, was Sie von uns erhalten möchten.',
    preferencesSaved: 'Gespeichert.',
    preferencesPending: 'angefragt, noch nicht bestätigt',
    language: 'Sprache',
    save: 'Speichern',
    manage: 'Alle Einstellungen',
    signupTitle: 'Mitmachen',
    signupBody: 'Tragen Sie sich ein. Wir senden Ihnen eine Nachricht, mit der Sie die Anmeldung bestätigen.',
    firstName: 'Vorname',
    lastName: 'Nachname',
    email: 'E-Mail',
    phone: 'Mobilnummer',
    postalCode: 'Postleitzahl',
    signupButton: 'Anmelden',
    signupDoneTitle: 'Fast geschafft',
    signupDoneBody: 'Bitte bestätigen Sie Ihre Anmeldung mit dem Link in der E-Mail bzw. per SMS-Antwort.',
    signupProblem: 'Bitte prüfen Sie Ihre Angaben:',
    consentText:
      'Ich willige ein, dass {sender} meine Angaben speichert, um mich zu den gewählten Themen per E-Mail bzw. SMS zu informieren. Daraus kann auf meine politische Haltung geschlossen werden. Ich kann jederzeit widerrufen: über den Link in jeder Nachricht oder mit STOP per SMS.',
    channels: { email: 'E-Mail', sms: 'SMS' },
    purposes: {
      'campaign-news': 'Neuigkeiten aus der Kampagne',
      'event-reminders': 'Erinnerungen an Veranstaltungen',
      'election-day': 'Erinnerung am Wahltag',
      analytics:
        'Freiwillig: meine Klicks auf Links persönlich auswerten (ohne dies zählen wir Klicks nur anonym, je Gruppe)',
    } as Record<string, string>,
    confirmSubject: 'Bitte bestätigen Sie Ihre Anmeldung',
    confirmText:
      'Hallo {name},\n\nbitte bestätigen Sie, dass Sie Nachrichten von {sender} erhalten möchten:\n{link}\n\nWenn Sie sich nicht angemeldet haben, ignorieren Sie diese E-Mail; Sie hören dann nichts mehr von uns.',
    confirmButton: 'Anmeldung bestätigen',
    confirmTitle: 'Anmeldung bestätigen',
    confirmBody:
      'Mit dem Knopf bestätigen Sie, dass Sie unsere Nachrichten über {channel} erhalten möchten zu:',
    confirmSms: '{sender}: Antworten Sie JA, um unsere SMS zu erhalten. Ohne Antwort senden wir nichts.',
    smsStopped:
      '{sender}: Sie sind abgemeldet und erhalten keine SMS mehr. Mit START melden Sie sich wieder an.',
    smsStarted: '{sender}: Danke, Ihre SMS-Anmeldung ist bestätigt. Abmelden mit STOP.',
    smsStopNothing: '{sender}: Sie erhalten keine SMS von uns.',
    smsStartNothing: '{sender}: Es gab nichts zu bestätigen; nichts wurde geändert.',
    smsHelp: '{sender} sendet Ihnen Kampagnen-Nachrichten. Abmelden: STOP. Wieder anmelden: START.',
    smsOptOutHint: 'STOP zum Abmelden',
  },
  en: {
    invalidTitle: 'Invalid link',
    invalidBody: 'This link is not valid or has expired. Please use the link in your most recent message.',
    tooManyTitle: 'Too many requests',
    tooManyBody: 'Please try again in a minute.',
    confirmedTitle: 'Subscription confirmed',
    confirmedBody: 'Thank you! From now on you will receive our messages about:',
    confirmNothing: 'There is nothing left to confirm.',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeBody: 'You will no longer receive messages about this on this channel:',
    unsubscribeButton: 'Unsubscribe now',
    unsubscribedTitle: 'Unsubscribed',
    unsubscribedBody: 'You are unsubscribed and will no longer receive messages about:',
    alreadyUnsubscribedTitle: 'Already unsubscribed',
    alreadyUnsubscribedBody:
      'You are already unsubscribed and will no longer receive messages by {channel} about:',
    preferencesTitle: 'Your preferences',
    preferencesBody: 'Choose what you would like to receive from us.',
    preferencesSaved: 'Saved.',
    preferencesPending: 'asked for, not yet confirmed',
    language: 'Language',
    save: 'Save',
    manage: 'All preferences',
    signupTitle: 'Join in',
    signupBody: 'Sign up below. We will send you a message to confirm your subscription.',
    firstName: 'First name',
    lastName: 'Last name',
    email: 'Email',
    phone: 'Mobile number',
    postalCode: 'Postal code',
    signupButton: 'Sign up',
    signupDoneTitle: 'Almost done',
    signupDoneBody: 'Please confirm with the link in the email or by replying to the text message.',
    signupProblem: 'Please check what you entered:',
    consentText:
      'I agree that {sender} stores my details to inform me about the chosen topics by email or text message. My political views may be inferred from this. I can withdraw at any time: through the link in every message or by replying STOP.',
    channels: { email: 'Email', sms: 'SMS' },
    purposes: {
      'campaign-news': 'Campaign news',
      'event-reminders': 'Event reminders',
      'election-day': 'Election day reminder',
      analytics:
        'Optional: analyse my own clicks on links (without this, clicks are counted only anonymously, per group)',
    } as Record<string, string>,
    confirmSubject: 'Please confirm your subscription',
    confirmText:
      'Hello {name},\n\nplease confirm that you would like to receive messages from {sender}:\n{link}\n\nIf you did not sign up, ignore this email; you will not hear from us again.',
    confirmButton: 'Confirm subscription',
    confirmTitle: 'Confirm your subscription',
    confirmBody:
      'With the button you confirm that you would like to receive our messages by {channel} about:',
    confirmSms: '{sender}: Reply YES to receive our text messages. Without a reply we send nothing.',
    smsStopped:
      '{sender}: You are unsubscribed and will receive no more texts. Reply START to subscribe again.',
    smsStarted: '{sender}: Thank you, your text subscription is confirmed. Reply STOP to unsubscribe.',
    smsStopNothing: '{sender}: You will receive no text messages from us.',
    smsStartNothing: '{sender}: There was nothing to confirm; nothing has changed.',
    smsHelp: '{sender} sends you campaign messages. Unsubscribe: STOP. Subscribe again: START.',
    smsOptOutHint: 'Reply STOP to opt out',
  },
} satisfies Record<PageLanguage, unknown>;

export type Strings = (typeof STRINGS)['de'];

/** The contact's language when we have pages in it, else English (German contacts get German). */
export function stringsFor(language: string | null | undefined): { language: PageLanguage; t: Strings } {
  const chosen = messageLanguage(language);
  return { language: chosen, t: STRINGS[chosen] };
}

export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export const purposeName = (t: Strings, purpose: string) => t.purposes[purpose] ?? purpose;
