import type { ServerConfig } from '../lib/config.svelte';

/** The limits a reason names, as the service is configured. */
type Limits = Pick<ServerConfig, 'frequencyCap' | 'matchMinScore'>;
type SendingLimits = Pick<
  ServerConfig,
  'quietHours' | 'ratesPerSecond' | 'frequencyCap' | 'approvalThreshold'
>;

/** Language codes (de, tr) by their names in the screen's language: Deutsch, Türkisch. */
export function languageNames(lang: string): (code: string) => string {
  const names = new Intl.DisplayNames([lang], { type: 'language' });
  return (code) => names.of(code) ?? code;
}

/** The strings of waves, their preview, launch and monitor, and the events, in German and English. */
export const wavesDe = {
  title: 'Wellen',
  intro:
    'Eine Welle schickt eine Nachricht über einen Kanal für einen Einwilligungszweck an eine Zielgruppe – nur an Menschen, die genau dafür eingewilligt haben.',
  create: 'Neue Welle',
  none: 'Noch keine Wellen.',
  listLabel: 'Alle Wellen, die neuesten zuerst',
  name: 'Name',
  channel: 'Kanal',
  channels: { email: 'E-Mail', sms: 'SMS' },
  purpose: 'Zweck',
  status: 'Status',
  statuses: {
    draft: 'Entwurf',
    scheduled: 'geplant',
    'needs-approval': 'wartet auf Freigabe',
    sending: 'wird gesendet',
    paused: 'pausiert',
    completed: 'abgeschlossen',
    cancelled: 'abgebrochen',
  },
  createdBy: 'Erstellt von',
  createdAt: 'Erstellt',
  commandLine: 'Kommandozeile',
  approval: 'Freigabe',
  approvedBy: (name: string, at: string) => `freigegeben von ${name}, ${at}`,
  noApproval: 'keine',
  progress: 'Fortschritt',
  progressOf: (done: number, total: number, lang: string) =>
    `${done.toLocaleString(lang)} von ${total.toLocaleString(lang)} erledigt`,
  notLaunched: 'noch nicht gestartet',
  progressParts: (sent: number, skipped: number, failed: number, lang: string) =>
    [
      `${sent.toLocaleString(lang)} übergeben`,
      skipped ? `${skipped.toLocaleString(lang)} übersprungen` : '',
      failed ? `${failed.toLocaleString(lang)} fehlgeschlagen` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  page: (from: number, to: number, total: number) => `Wellen ${from}–${to} von ${total}`,
  previous: 'Neuere',
  next: 'Ältere',
  someone: 'unbekannt',

  // The builder
  newTitle: 'Neue Welle',
  editTitle: (name: string) => `Welle bearbeiten: ${name}`,
  back: 'Alle Wellen',
  sendersOnly: 'Wellen legen Mitarbeitende und Admins an; du kannst sie ansehen.',
  onlyDrafts: (status: string) => `Diese Welle ist ${status}: nur ein Entwurf kann geändert werden.`,
  basics: 'Grunddaten',
  /** The service's sending limits for the chosen channel, as configured. */
  limits: (l: SendingLimits, channel: 'email' | 'sms') => {
    const name = channel === 'sms' ? 'SMS' : 'E-Mail';
    const quiet = l.quietHours[channel];
    const rate = l.ratesPerSecond[channel];
    return [
      quiet
        ? `${name} gehen zwischen ${quiet.from} und ${quiet.to} Uhr (Ortszeit der Person) nicht hinaus, sondern danach.`
        : `Für ${name} gibt es keine Ruhezeit.`,
      rate
        ? `Höchstens ${rate.toLocaleString('de-DE')} ${name} pro Sekunde.`
        : `Keine Obergrenze pro Sekunde.`,
      l.frequencyCap
        ? `Jede Person bekommt höchstens ${l.frequencyCap.messages} Kampagnennachrichten in ${l.frequencyCap.days} Tagen, über alle Kanäle.`
        : '',
      `Erreicht die Welle mehr als ${l.approvalThreshold.toLocaleString('de-DE')} Menschen, muss eine zweite Person sie freigeben.`,
    ]
      .filter(Boolean)
      .join(' ');
  },
  purposeHint:
    'Die Nachricht geht nur an Menschen, die für diesen Kanal und genau diesen Zweck eingewilligt haben.',
  audience: 'Zielgruppe',
  run: 'Segmentierung',
  noRun: '– keine: alle, die eingewilligt haben –',
  runOption: (set: string, k: number, when: string) => `${set}, k = ${k}, ${when}`,
  segments: 'Segmente',
  segmentsHint:
    'Klicke auf einen Wahlkreis in der Karte, um sein Segment aus- oder abzuwählen, oder wähle die Segmente in der Liste.',
  segmentSize: (regions: number, contacts: number, lang: string) =>
    `${regions} Regionen · ${contacts.toLocaleString(lang)} Kontakte`,
  noSegments: 'Kein Segment gewählt: die Welle geht an alle, die eingewilligt haben.',
  chosenSegments: (n: number) => `${n} ${n === 1 ? 'Segment' : 'Segmente'} gewählt`,
  mapLabel: (set: string) =>
    `Karte ${set}: jeder Wahlkreis in der Farbe seines Segments, nicht gewählte Segmente blass; ein Klick wählt das Segment`,
  noMap: 'Für dieses Set gibt es keine Karte – wähle die Segmente in der Liste.',
  regions: 'Regionen',
  regionsHint: 'Nur Kontakte in diesen Regionen (oder ihren Unterregionen); keine gewählt: überall.',
  regionSet: 'Regionsset',
  filter: 'Regionen filtern',
  chosenRegions: (n: number) => (n ? `${n} ${n === 1 ? 'Region' : 'Regionen'} gewählt` : 'überall'),
  languages: 'Sprachen',
  languagesHint: 'Nur Kontakte mit diesen Sprachen; keine gewählt: alle Sprachen.',
  attributes: 'Selbst angegebene Merkmale',
  attributesHint: 'Nur Kontakte, die genau diesen Wert angegeben haben (z. B. volunteer = yes).',
  attributeKey: 'Merkmal',
  attributeValue: 'Wert',
  addAttribute: 'Merkmal hinzufügen',
  remove: 'Entfernen',
  templates: 'Vorlage',
  strategy: 'Welche Vorlage',
  strategies: {
    approved: 'die freigegebene Zuordnung jedes Segments',
    fixed: 'eine Vorlage für alle',
  },
  approvedNeedsSegments:
    'Die freigegebenen Zuordnungen gibt es nur für Segmente: wähle eine Segmentierung und Segmente.',
  template: 'Vorlage',
  chooseTemplate: '– Vorlage wählen –',
  matchOf: 'Freigegebene Zuordnung',
  noMatch: 'keine – dieses Segment wird übersprungen',
  noClearMatch: 'kein klarer Treffer – wird übersprungen, bis jemand von Hand wählt',
  schedule: 'Zeitpunkt',
  schedules: { now: 'beim Start', at: 'zu einem Zeitpunkt' },
  scheduledAt: 'Senden ab',
  eventHint: 'Erinnerungen vor einem Termin legst du mit dem Termin an:',
  toEvents: 'Termine',
  save: 'Speichern und Vorschau öffnen',
  saving: 'Speichert …',
  refused: (status: number) => `Nicht gespeichert – die API antwortete ${status}:`,

  // The wave's page
  facts: 'Eckdaten',
  edit: 'Bearbeiten',
  everyone: 'alle, die eingewilligt haben',
  audienceOf: (segments: number, regions: number, languages: string, attributes: string) =>
    [
      segments ? `${segments} ${segments === 1 ? 'Segment' : 'Segmente'}` : 'alle Segmente',
      regions ? `${regions} ${regions === 1 ? 'Region' : 'Regionen'}` : '',
      languages ? `Sprachen ${languages}` : '',
      attributes,
    ]
      .filter(Boolean)
      .join(' · '),
  strategyShort: { approved: 'freigegebene Zuordnung je Segment', fixed: 'eine Vorlage' },
  start: 'Start',
  atLaunch: 'beim Start',
  launchedAt: 'Gestartet',
  completedAt: 'Beendet',
  event: 'Termin',
  cutoff: 'Keine Erinnerung nach',
  preview: 'Vorschau',
  previewHint:
    'Die Zahlen rechnet die API: sie beurteilt jeden Kontakt der Zielgruppe nach denselben Regeln wie der Start.',
  recompute: 'Neu berechnen',
  computing: 'Rechnet …',
  funnel: 'Wer die Nachricht bekommt und wer nicht',
  funnelLabel: (audience: number, final: number, lang: string) =>
    `Balkendiagramm: von ${audience.toLocaleString(lang)} Kontakten der Zielgruppe bleiben nach jedem Ausschlussschritt weniger, am Ende ${final.toLocaleString(lang)}; daneben als Tabelle`,
  step: 'Schritt',
  meaning: 'Bedeutung',
  excluded: 'ausgeschlossen',
  remaining: 'bleiben',
  audienceRow: 'Zielgruppe',
  audienceMeans: 'alle Kontakte, die Segmente, Regionen, Sprachen und Merkmale auswählen',
  finalRow: 'Bekommen die Nachricht',
  finalMeans: 'nach allen Schritten: so viele Nachrichten gehen hinaus',
  deferred: (count: number, until: string, lang: string) =>
    `Davon warten ${count.toLocaleString(lang)} auf das Ende der Ruhezeit in ihrer Zeitzone (bis ${until}) und gehen dann hinaus.`,
  groups: 'Nachrichten je Segment, Vorlage und Sprache',
  segment: 'Segment',
  language: 'Sprache',
  count: 'Anzahl',
  noSegment: 'ohne Segment',
  noGroups: 'Niemand bekommt diese Welle.',
  samples: 'Beispiele',
  samplesHint: 'Für eine erfundene Person in einer echten Region der Zielgruppe.',
  madeUp: 'Für niemanden aus der Zielgruppe (sie ist leer): ohne Region.',
  emailFrame: (template: string, language: string) => `Beispiel-E-Mail ${template} (${language})`,
  subject: 'Betreff',
  text: 'Textfassung',
  smsSize: (parts: number, encoding: string) => `${parts} ${parts === 1 ? 'Teil' : 'Teile'} · ${encoding}`,
  smsCost: (parts: number, price: string, cost: string, lang: string) =>
    `Zusammen ${parts.toLocaleString(lang)} SMS-Teile à ${price}: etwa ${cost}`,
  warnings: 'Hinweise',
  duration: 'Erwartete Dauer',
  durationIs: (duration: string, rate: number, lang: string) =>
    `etwa ${duration} bei ${rate.toLocaleString(lang)} Nachrichten pro Sekunde`,
  unlimited: 'ohne Ratenbegrenzung: so schnell der Anbieter annimmt',
  approvalTitle: 'Freigabe und Start',
  approvalRequired: (final: number, threshold: number, lang: string) =>
    `Diese Welle erreicht ${final.toLocaleString(lang)} Menschen, mehr als die Schwelle von ${threshold.toLocaleString(lang)}: eine Strategin, ein Stratege oder Admin, die sie weder erstellt noch geändert haben, muss sie freigeben.`,
  approvalNotRequired: (final: number, threshold: number, lang: string) =>
    `Keine Freigabe nötig: ${final.toLocaleString(lang)} Empfänger:innen, höchstens ${threshold.toLocaleString(lang)}.`,
  approvalMissing: 'Freigabe fehlt.',
  /** Why „Starten“ rests, next to it. */
  launchBlocks: {
    'approval-missing': (threshold: number, lang: string) =>
      `Noch nicht startbar: mehr als ${threshold.toLocaleString(lang)} Empfänger:innen brauchen die Freigabe einer zweiten Person, und sie fehlt.`,
    'approval-outdated': () =>
      'Noch nicht startbar: die Welle hat sich seit ihrer Freigabe geändert und braucht eine neue.',
    grown: (tolerance: number, lang: string) =>
      `Noch nicht startbar: die Zielgruppe ist um mehr als ${tolerance.toLocaleString(lang)} % über die freigegebene Zahl gewachsen; sie braucht eine neue Freigabe.`,
    'own-approval': () =>
      'Nicht durch dich startbar: du hast die Welle freigegeben, starten muss jemand anderes.',
  },
  awaitingTitle: 'Wellen warten auf deine Freigabe',
  awaitingHint:
    'Du hast sie weder erstellt noch geändert: deine Freigabe ist die zweite Person, die sie brauchen.',
  awaitingBadge: (n: number) => `${n} ${n === 1 ? 'Welle wartet' : 'Wellen warten'} auf deine Freigabe`,
  awaitingItem: (recipients: number | null, by: string, at: string, lang: string) =>
    [recipients === null ? '' : `${recipients.toLocaleString(lang)} Empfänger:innen`, `von ${by}, ${at}`]
      .filter(Boolean)
      .join(' · '),
  approvedByAt: (name: string, at: string) => `Freigegeben von ${name}, ${at}.`,
  approvedOf: (revision: number | null, final: number | null, lang: string) =>
    revision === null
      ? 'Welche Revision freigegeben wurde, ist nicht bekannt: der Start verlangt eine neue Freigabe.'
      : `Freigegeben ist Revision ${revision} für ${final === null ? '?' : final.toLocaleString(lang)} Empfänger:innen.`,
  approvalWithdrawnHint:
    'Freigegeben wird die Revision, die die Vorschau zeigt. Jede neue Revision zieht die Freigabe zurück: eine Änderung am Entwurf, eine neue Fassung einer festen Vorlage, eine neu freigegebene Zuordnung.',
  tolerance: (tolerance: number) =>
    `Wächst die Zielgruppe bis zum Start um mehr als ${tolerance} % über die freigegebene Zahl, braucht es eine neue Freigabe.`,
  revision: 'Revision',
  previewOfRevision: (revision: number) =>
    `Vorschau der Revision ${revision}: freigegeben wird genau, was sie zeigt.`,
  previewFirst: 'Erst die Vorschau berechnen: freigegeben wird die Revision, die sie zeigt.',
  needsApprovalMeans:
    'Als ihre Zeit kam, galt die Freigabe nicht mehr (neue Revision oder größere Zielgruppe): die Welle wartet, bis sie neu freigegeben und gestartet ist.',
  versionOf: (template: string, version: number | null) => `${template} v${version ?? '?'}`,
  takesLatest: (version: number | null) => `nimmt beim Start die neueste Fassung (jetzt v${version ?? '?'})`,
  newerNotApproved: (latest: number, saved: string) =>
    `v${latest} gespeichert am ${saved}, nicht freigegeben`,
  handChoice: 'wartet auf eine Vorlage von Hand (ausgelassen)',
  approvalNotYours:
    'Freigeben können nur Strateg:innen und Admins, die die Welle weder erstellt noch geändert haben – nicht du.',
  ownWave: 'Du hast diese Welle erstellt: die API wird deine Freigabe ablehnen.',
  approve: 'Freigeben',
  approving: 'Gibt frei …',
  approved: 'Freigabe gespeichert.',
  launch: 'Starten',
  scheduleLaunch: 'Einplanen',
  launching: 'Startet …',
  launched: 'Gestartet.',
  launchHint: 'Starten dürfen Mitarbeitende und Admins, aber nicht wer die Welle freigegeben hat.',
  refusedBy: (status: number) => `Die API lehnte ab (${status}):`,
  monitor: 'Versand',
  monitorHint: 'Alle 2 Sekunden aktualisiert, bis die Welle abgeschlossen oder abgebrochen ist.',
  updatedAt: (at: string) => `Stand ${at}`,
  handedOver: 'An den Anbieter übergeben',
  left: 'Offen',
  total: 'Nachrichten im Versandbuch',
  ambiguous: 'Unklar (Worker gestoppt, nie erneut gesendet)',
  rate: 'Rate',
  rateIs: (achieved: number, configured: number | null, lang: string) =>
    `${achieved.toLocaleString(lang)} pro Sekunde in der letzten Minute` +
    (configured === null
      ? ' (ohne Grenze)'
      : `, eingestellt: ${configured.toLocaleString(lang)} pro Sekunde`),
  expectedEnd: 'Erwartetes Ende',
  endedAt: 'Beendet',
  noEnd: '–',
  byStatus: 'Nachrichten nach Status',
  messageStatuses: {
    queued: 'wartet',
    sending: 'wird übergeben',
    sent: 'gesendet',
    delivered: 'zugestellt',
    failed: 'fehlgeschlagen',
    bounced: 'unzustellbar',
    skipped: 'übersprungen',
  },
  rateChart: 'Erreichte Rate über die Zeit',
  rateChartLabel: (bucket: number) =>
    `Liniendiagramm: übergebene Nachrichten pro Sekunde je ${bucket}-Sekunden-Abschnitt, die eingestellte Rate als Linie; die Zahlen darunter als Tabelle`,
  achieved: 'erreicht',
  configured: 'eingestellt',
  perSecond: 'pro Sekunde',
  bucketTable: 'Die Zahlen des Diagramms',
  bucketStart: 'Abschnitt ab',
  sentInBucket: 'übergeben',
  errors: 'Fehler nach Code',
  noErrors: 'Keine Fehler.',
  code: 'Code',
  failed: 'endgültig',
  retrying: 'neuer Versuch geplant',
  skipped: 'Übersprungen nach Grund',
  reportAnomalies: 'Anbieter-Meldungen ohne eindeutige Nachricht',
  reportAnomaliesHint:
    'Diese Meldungen passten zu keiner oder zu mehreren Nachrichten. Sie wurden aufbewahrt und haben nichts verändert – weder einen Status noch eine Einwilligung.',
  anomalyKinds: {
    'unknown-id': 'Kennung unbekannt',
    'shared-id': 'Kennung mehrfach vergeben, Empfänger nicht eindeutig',
  } as Record<string, string>,
  reason: 'Grund',
  pause: 'Pausieren',
  resume: 'Fortsetzen',
  cancel: 'Abbrechen',
  cancelConfirm: 'Wirklich abbrechen? Wartende Nachrichten gehen dann nie hinaus.',
  cancelYes: 'Ja, Welle abbrechen',
  cancelNo: 'Nein',
  working: 'Wird ausgeführt …',
  nowStatus: (status: string) => `Status jetzt: ${status}.`,
  steerHint: 'Pausieren, Fortsetzen und Abbrechen sieht der nächste Schritt jedes Workers.',
  /** The rules of the rulebook, as the preview's steps and the monitor's skips name them, with the configured limits. */
  reasons: ({ frequencyCap, matchMinScore }: Limits): Record<string, [string, string]> => ({
    'no-consent': ['Keine Einwilligung', 'für diesen Kanal und Zweck wurde nie eingewilligt'],
    requested: [
      'Nur angefragt',
      'die Einwilligung ist nur angefragt: das Double-Opt-in ist noch nicht bestätigt',
    ],
    withdrawn: ['Widerrufen', 'die Person hat ihre Einwilligung für diesen Kanal und Zweck widerrufen'],
    'no-address': ['Keine Adresse', 'keine E-Mail-Adresse oder Telefonnummer für den Kanal'],
    suppressed: ['Gesperrt', 'die Adresse gehört einer gelöschten Person (Sperrliste)'],
    'frequency-cap': [
      'Obergrenze erreicht',
      frequencyCap
        ? `die Person hatte in ${frequencyCap.days} Tagen schon ${frequencyCap.messages} Kampagnennachrichten, so viele wie die Obergrenze erlaubt`
        : 'die Person hatte in ihrem Zeitraum schon so viele Kampagnennachrichten, wie die Obergrenze erlaubt',
    ],
    'duplicate-address': [
      'Doppelte Adresse',
      'ein anderer Kontakt der Zielgruppe bekommt die Nachricht an diese gemeinsame Nummer',
    ],
    'no-clear-match': [
      'Kein klarer Treffer',
      `keine Vorlage passt klar zum Segment (die beste liegt unter der Mindestpunktzahl ${matchMinScore.toLocaleString('de-DE')}) und niemand hat von Hand gewählt`,
    ],
    'no-template': ['Keine Vorlage', 'für das Segment wurde keine Vorlage gewählt oder freigegeben'],
    'cut-off': [
      'Nach dem Stichzeitpunkt',
      'der Stichzeitpunkt des Termins ist vorbei: dafür geht nichts mehr hinaus',
    ],
    erased: ['Gelöscht', 'die Person wurde gelöscht'],
    cancelled: ['Abgebrochen', 'die Welle wurde abgebrochen, bevor die Nachricht hinausging'],
  }),

  // Events
  events: 'Termine',
  eventsIntro:
    'Ein Termin (Kundgebung, Haustürtour, Wahltag) mit Erinnerungswellen davor; nach dem Stichzeitpunkt geht keine Erinnerung mehr hinaus.',
  timeline: 'Zeitleiste',
  noEvents: 'Noch keine Termine.',
  upcoming: 'kommend',
  past: 'vorbei',
  startsAt: 'Beginn',
  place: 'Ort',
  noPlace: 'ohne Ort',
  eventRegions: (n: number) => (n ? `${n} ${n === 1 ? 'Region' : 'Regionen'}` : 'alle Regionen'),
  cutoffAt: 'Stichzeitpunkt',
  cutoffHint: 'Nach diesem Moment geht keine Erinnerung mehr hinaus; leer: der Beginn.',
  reminders: 'Erinnerungen',
  noReminders: 'Keine Erinnerungen.',
  offset: (minutes: number) =>
    minutes % 1440 === 0
      ? `${minutes / 1440} ${minutes === 1440 ? 'Tag' : 'Tage'} vorher`
      : minutes % 60 === 0
        ? `${minutes / 60} ${minutes === 60 ? 'Stunde' : 'Stunden'} vorher`
        : `${minutes} Minuten vorher`,
  sendsAt: (at: string) => `sendet ${at}`,
  needsApproval: 'bleibt Entwurf, bis sie freigegeben und gestartet ist',
  newEvent: 'Neuer Termin',
  eventName: 'Name des Termins',
  reminder: (n: number) => `Erinnerung ${n}`,
  before: 'Wie lange vorher',
  unit: 'Einheit',
  units: { minutes: 'Minuten', hours: 'Stunden', days: 'Tage' },
  addReminder: 'Erinnerung hinzufügen',
  createEvent: 'Termin anlegen',
  creating: 'Legt an …',
  eventCreated: (name: string) => `Termin „${name}“ angelegt.`,
  staffOnlyEvents: 'Termine legen Mitarbeitende und Admins an; du kannst sie ansehen.',
};

export const wavesEn: typeof wavesDe = {
  title: 'Waves',
  intro:
    'A wave sends one message on one channel for one consent purpose to an audience – only to people who consented to exactly that.',
  create: 'New wave',
  none: 'No waves yet.',
  listLabel: 'All waves, newest first',
  name: 'Name',
  channel: 'Channel',
  channels: { email: 'Email', sms: 'SMS' },
  purpose: 'Purpose',
  status: 'Status',
  statuses: {
    draft: 'draft',
    scheduled: 'scheduled',
    'needs-approval': 'needs approval',
    sending: 'sending',
    paused: 'paused',
    completed: 'completed',
    cancelled: 'cancelled',
  },
  createdBy: 'Created by',
  createdAt: 'Created',
  commandLine: 'command line',
  approval: 'Approval',
  approvedBy: (name: string, at: string) => `approved by ${name}, ${at}`,
  noApproval: 'none',
  progress: 'Progress',
  progressOf: (done: number, total: number, lang: string) =>
    `${done.toLocaleString(lang)} of ${total.toLocaleString(lang)} done`,
  notLaunched: 'not launched yet',
  progressParts: (sent: number, skipped: number, failed: number, lang: string) =>
    [
      `${sent.toLocaleString(lang)} handed over`,
      skipped ? `${skipped.toLocaleString(lang)} skipped` : '',
      failed ? `${failed.toLocaleString(lang)} failed` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  page: (from: number, to: number, total: number) => `Waves ${from}–${to} of ${total}`,
  previous: 'Newer',
  next: 'Older',
  someone: 'unknown',

  newTitle: 'New wave',
  editTitle: (name: string) => `Edit wave: ${name}`,
  back: 'All waves',
  sendersOnly: 'Staff and admins build waves; you can read them.',
  onlyDrafts: (status: string) => `This wave is ${status}: only a draft can be changed.`,
  basics: 'Basics',
  purposeHint: 'The message goes only to people who consented to this channel and exactly this purpose.',
  limits: (l, channel) => {
    const name = channel === 'sms' ? 'SMS' : 'Emails';
    const quiet = l.quietHours[channel];
    const rate = l.ratesPerSecond[channel];
    return [
      quiet
        ? `${name} do not go out between ${quiet.from}:00 and ${quiet.to}:00 in the person's own time zone, but after.`
        : `${name} have no quiet hours.`,
      rate ? `At most ${rate.toLocaleString('en-GB')} ${name} per second.` : `No limit per second.`,
      l.frequencyCap
        ? `Each person gets at most ${l.frequencyCap.messages} campaign messages in ${l.frequencyCap.days} days, across channels.`
        : '',
      `A wave reaching more than ${l.approvalThreshold.toLocaleString('en-GB')} people needs a second person's approval.`,
    ]
      .filter(Boolean)
      .join(' ');
  },
  audience: 'Audience',
  run: 'Segmentation',
  noRun: '– none: everyone who consented –',
  runOption: (set: string, k: number, when: string) => `${set}, k = ${k}, ${when}`,
  segments: 'Segments',
  segmentsHint:
    'Click a district on the map to choose or drop its segment, or choose the segments in the list.',
  segmentSize: (regions: number, contacts: number, lang: string) =>
    `${regions} regions · ${contacts.toLocaleString(lang)} contacts`,
  noSegments: 'No segment chosen: the wave goes to everyone who consented.',
  chosenSegments: (n: number) => `${n} ${n === 1 ? 'segment' : 'segments'} chosen`,
  mapLabel: (set: string) =>
    `Map ${set}: every district in its segment's colour, segments not chosen pale; a click chooses the segment`,
  noMap: 'This set has no map – choose the segments in the list.',
  regions: 'Regions',
  regionsHint: 'Only contacts in these regions (or their sub-regions); none chosen: everywhere.',
  regionSet: 'Region set',
  filter: 'Filter regions',
  chosenRegions: (n: number) => (n ? `${n} ${n === 1 ? 'region' : 'regions'} chosen` : 'everywhere'),
  languages: 'Languages',
  languagesHint: 'Only contacts with these languages; none chosen: every language.',
  attributes: 'Self-declared attributes',
  attributesHint: 'Only contacts who declared exactly this value (e.g. volunteer = yes).',
  attributeKey: 'Attribute',
  attributeValue: 'Value',
  addAttribute: 'Add an attribute',
  remove: 'Remove',
  templates: 'Template',
  strategy: 'Which template',
  strategies: {
    approved: "each segment's approved match",
    fixed: 'one template for everyone',
  },
  approvedNeedsSegments: 'Approved matches exist for segments only: choose a segmentation and segments.',
  template: 'Template',
  chooseTemplate: '– choose a template –',
  matchOf: 'Approved match',
  noMatch: 'none – this segment is skipped',
  noClearMatch: 'no clear match – skipped until someone chooses by hand',
  schedule: 'When',
  schedules: { now: 'at launch', at: 'at a time' },
  scheduledAt: 'Send from',
  eventHint: 'Reminders before an event are made with the event:',
  toEvents: 'Events',
  save: 'Save and open the preview',
  saving: 'Saving …',
  refused: (status: number) => `Not saved – the API answered ${status}:`,

  facts: 'Facts',
  edit: 'Edit',
  everyone: 'everyone who consented',
  audienceOf: (segments: number, regions: number, languages: string, attributes: string) =>
    [
      segments ? `${segments} ${segments === 1 ? 'segment' : 'segments'}` : 'all segments',
      regions ? `${regions} ${regions === 1 ? 'region' : 'regions'}` : '',
      languages ? `languages ${languages}` : '',
      attributes,
    ]
      .filter(Boolean)
      .join(' · '),
  strategyShort: { approved: 'approved match per segment', fixed: 'one template' },
  start: 'Start',
  atLaunch: 'at launch',
  launchedAt: 'Launched',
  completedAt: 'Ended',
  event: 'Event',
  cutoff: 'No reminder after',
  preview: 'Preview',
  previewHint: 'The API counts: it judges every contact of the audience by the same rules as the launch.',
  recompute: 'Compute again',
  computing: 'Computing …',
  funnel: 'Who gets the message and who does not',
  funnelLabel: (audience: number, final: number, lang: string) =>
    `Bar chart: of ${audience.toLocaleString(lang)} contacts in the audience, each exclusion step leaves fewer, ${final.toLocaleString(lang)} at the end; beside it as a table`,
  step: 'Step',
  meaning: 'Meaning',
  excluded: 'excluded',
  remaining: 'remaining',
  audienceRow: 'Audience',
  audienceMeans: 'every contact the segments, regions, languages and attributes select',
  finalRow: 'Get the message',
  finalMeans: 'after every step: this many messages go out',
  deferred: (count: number, until: string, lang: string) =>
    `Of them, ${count.toLocaleString(lang)} wait for the end of quiet hours in their zone (until ${until}) and go then.`,
  groups: 'Messages per segment, template and language',
  segment: 'Segment',
  language: 'Language',
  count: 'Count',
  noSegment: 'no segment',
  noGroups: 'Nobody gets this wave.',
  samples: 'Samples',
  samplesHint: 'For a made-up person in a real region of the audience.',
  madeUp: 'For nobody of the audience (it is empty): without a region.',
  emailFrame: (template: string, language: string) => `Sample email ${template} (${language})`,
  subject: 'Subject',
  text: 'Text version',
  smsSize: (parts: number, encoding: string) => `${parts} ${parts === 1 ? 'part' : 'parts'} · ${encoding}`,
  smsCost: (parts: number, price: string, cost: string, lang: string) =>
    `${parts.toLocaleString(lang)} SMS parts in all at ${price}: about ${cost}`,
  warnings: 'Notes',
  duration: 'Expected duration',
  durationIs: (duration: string, rate: number, lang: string) =>
    `about ${duration} at ${rate.toLocaleString(lang)} messages per second`,
  unlimited: 'no rate limit: as fast as the provider accepts',
  approvalTitle: 'Approval and launch',
  approvalRequired: (final: number, threshold: number, lang: string) =>
    `This wave reaches ${final.toLocaleString(lang)} people, more than the threshold of ${threshold.toLocaleString(lang)}: a strategist or admin who neither created nor changed it must approve it.`,
  approvalNotRequired: (final: number, threshold: number, lang: string) =>
    `No approval needed: ${final.toLocaleString(lang)} recipients, at most ${threshold.toLocaleString(lang)}.`,
  approvalMissing: 'Approval missing.',
  launchBlocks: {
    'approval-missing': (threshold, lang) =>
      `Cannot launch yet: more than ${threshold.toLocaleString(lang)} recipients need a second person's approval, and it is missing.`,
    'approval-outdated': () => 'Cannot launch yet: the wave changed after its approval and needs a new one.',
    grown: (tolerance, lang) =>
      `Cannot launch yet: the audience grew by more than ${tolerance.toLocaleString(lang)} % beyond the approved count; it needs a new approval.`,
    'own-approval': () => 'You cannot launch it: you approved the wave, so someone else must launch it.',
  },
  awaitingTitle: 'Waves awaiting your approval',
  awaitingHint: 'You neither created nor changed them: your approval is the second person they need.',
  awaitingBadge: (n) => `${n} ${n === 1 ? 'wave awaits' : 'waves await'} your approval`,
  awaitingItem: (recipients, by, at, lang) =>
    [recipients === null ? '' : `${recipients.toLocaleString(lang)} recipients`, `by ${by}, ${at}`]
      .filter(Boolean)
      .join(' · '),
  approvedByAt: (name: string, at: string) => `Approved by ${name}, ${at}.`,
  approvedOf: (revision: number | null, final: number | null, lang: string) =>
    revision === null
      ? 'Which revision was approved is not known: launching asks for a new approval.'
      : `Revision ${revision} is approved for ${final === null ? '?' : final.toLocaleString(lang)} recipients.`,
  approvalWithdrawnHint:
    'An approval is of the revision the preview shows. Any new revision withdraws it: a change to the draft, a new version of a fixed template, a newly approved match.',
  tolerance: (tolerance: number) =>
    `If the audience grows by more than ${tolerance} % over the approved count before the launch, it needs a new approval.`,
  revision: 'Revision',
  previewOfRevision: (revision: number) =>
    `Preview of revision ${revision}: an approval approves exactly what it shows.`,
  previewFirst: 'Compute the preview first: an approval is of the revision it shows.',
  needsApprovalMeans:
    'When its time came, its approval no longer held (a new revision or a larger audience): the wave waits until it is approved again and launched.',
  versionOf: (template: string, version: number | null) => `${template} v${version ?? '?'}`,
  takesLatest: (version: number | null) => `takes the latest version at launch (now v${version ?? '?'})`,
  newerNotApproved: (latest: number, saved: string) => `v${latest} saved ${saved}, not approved`,
  handChoice: 'waits for a template chosen by hand (skipped)',
  approvalNotYours:
    'Only strategists and admins who neither created nor changed the wave approve it – not you.',
  ownWave: 'You created this wave: the API will refuse your approval.',
  approve: 'Approve',
  approving: 'Approving …',
  approved: 'Approval saved.',
  launch: 'Launch',
  scheduleLaunch: 'Schedule',
  launching: 'Launching …',
  launched: 'Launched.',
  launchHint: 'Staff and admins launch, but not whoever approved the wave.',
  refusedBy: (status: number) => `The API refused (${status}):`,
  monitor: 'Sending',
  monitorHint: 'Updated every 2 seconds until the wave is completed or cancelled.',
  updatedAt: (at: string) => `As of ${at}`,
  handedOver: 'Handed to the provider',
  left: 'Left',
  total: 'Messages in the ledger',
  ambiguous: 'Ambiguous (worker stopped, never resent)',
  rate: 'Rate',
  rateIs: (achieved: number, configured: number | null, lang: string) =>
    `${achieved.toLocaleString(lang)} per second over the last minute` +
    (configured === null ? ' (no limit)' : `, configured: ${configured.toLocaleString(lang)} per second`),
  expectedEnd: 'Expected end',
  endedAt: 'Ended',
  noEnd: '–',
  byStatus: 'Messages by status',
  messageStatuses: {
    queued: 'queued',
    sending: 'being handed over',
    sent: 'sent',
    delivered: 'delivered',
    failed: 'failed',
    bounced: 'bounced',
    skipped: 'skipped',
  },
  rateChart: 'Achieved rate over time',
  rateChartLabel: (bucket: number) =>
    `Line chart: messages handed over per second in each ${bucket}-second bucket, the configured rate as a line; the numbers below as a table`,
  achieved: 'achieved',
  configured: 'configured',
  perSecond: 'per second',
  bucketTable: 'The numbers of the chart',
  bucketStart: 'Bucket from',
  sentInBucket: 'handed over',
  errors: 'Errors by code',
  noErrors: 'No errors.',
  code: 'Code',
  failed: 'for good',
  retrying: 'retry planned',
  skipped: 'Skipped by reason',
  reportAnomalies: 'Provider reports tied to no single message',
  reportAnomaliesHint:
    'These reports matched no message or several. They were kept and changed nothing – neither a status nor a consent.',
  anomalyKinds: {
    'unknown-id': 'Unknown id',
    'shared-id': 'Id shared by several messages, recipient not unique',
  },
  reason: 'Reason',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  cancelConfirm: 'Really cancel? Queued messages will then never go out.',
  cancelYes: 'Yes, cancel the wave',
  cancelNo: 'No',
  working: 'Working …',
  nowStatus: (status: string) => `Status now: ${status}.`,
  steerHint: "Pause, resume and cancel are seen by each worker's next step.",
  reasons: ({ frequencyCap, matchMinScore }) => ({
    'no-consent': ['No consent', 'no consent was ever given for this channel and purpose'],
    requested: ['Only requested', 'consent is only requested: the double opt-in is not confirmed yet'],
    withdrawn: ['Withdrawn', 'the person withdrew consent for this channel and purpose'],
    'no-address': ['No address', 'no email address or phone number for the channel'],
    suppressed: ['Suppressed', 'the address belongs to an erased person (suppression list)'],
    'frequency-cap': [
      'Frequency cap',
      frequencyCap
        ? `the contact already had ${frequencyCap.messages} campaign messages in ${frequencyCap.days} days, as many as the frequency cap allows`
        : 'the contact already had as many campaign messages as the frequency cap allows in its window',
    ],
    'duplicate-address': [
      'Duplicate address',
      'another contact of the audience gets the message on this shared phone',
    ],
    'no-clear-match': [
      'No clear match',
      `no template fits the segment clearly (the best scores below the minimum score of ${matchMinScore.toLocaleString('en-GB')}) and no strategist chose one by hand`,
    ],
    'no-template': ['No template', 'no template was chosen or approved for the segment'],
    'cut-off': ['After the cut-off', "the event's cut-off has passed: nothing more goes out for it"],
    erased: ['Erased', 'the person has been erased'],
    cancelled: ['Cancelled', 'the wave was cancelled before the message went out'],
  }),

  events: 'Events',
  eventsIntro:
    'An event (a rally, a canvass, election day) with reminder waves before it; after the cut-off no reminder goes out.',
  timeline: 'Timeline',
  noEvents: 'No events yet.',
  upcoming: 'upcoming',
  past: 'past',
  startsAt: 'Starts',
  place: 'Place',
  noPlace: 'no place',
  eventRegions: (n: number) => (n ? `${n} ${n === 1 ? 'region' : 'regions'}` : 'all regions'),
  cutoffAt: 'Cut-off',
  cutoffHint: 'No reminder goes out after this moment; empty: the start.',
  reminders: 'Reminders',
  noReminders: 'No reminders.',
  offset: (minutes: number) =>
    minutes % 1440 === 0
      ? `${minutes / 1440} ${minutes === 1440 ? 'day' : 'days'} before`
      : minutes % 60 === 0
        ? `${minutes / 60} ${minutes === 60 ? 'hour' : 'hours'} before`
        : `${minutes} minutes before`,
  sendsAt: (at: string) => `sends ${at}`,
  needsApproval: 'stays a draft until approved and launched',
  newEvent: 'New event',
  eventName: 'Name of the event',
  reminder: (n: number) => `Reminder ${n}`,
  before: 'How long before',
  unit: 'Unit',
  units: { minutes: 'minutes', hours: 'hours', days: 'days' },
  addReminder: 'Add a reminder',
  createEvent: 'Create the event',
  creating: 'Creating …',
  eventCreated: (name: string) => `Event “${name}” created.`,
  staffOnlyEvents: 'Staff and admins create events; you can read them.',
};
