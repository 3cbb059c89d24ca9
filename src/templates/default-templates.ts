import type { Placeholder } from './placeholders.js';
import type { TemplateContext } from './template.entities.js';

export interface TemplateContent {
  subject: string;
  html: string;
  text: string;
  sms: string;
}

export interface DefaultTemplate {
  key: string;
  name: { de: string; en: string };
  /** Affinity over Strukturdaten feature keys: score = Σ weight × the segment's standard score. */
  weights: Record<string, number>;
  /** Why these weights: what the strategist reads beside them. */
  reasoning: string;
  context: TemplateContext;
  content: { de: TemplateContent; en: TemplateContent };
}

/** An issue's words in one language; the sentence naming the event goes only into its reminder. */
interface Words {
  subject: string;
  body: string;
  sms: string;
}

interface Issue extends Omit<DefaultTemplate, 'content' | 'context'> {
  words: { de: Words; en: Words };
}

const optOut = (language: 'de' | 'en', html: boolean) => {
  const link: `{{${Placeholder}}}` = '{{opt_out_link}}';
  if (language === 'de')
    return html ? `<p><small><a href="${link}">Abmelden</a></small></p>` : `Abmelden: ${link}`;
  return html ? `<p><small><a href="${link}">Unsubscribe</a></small></p>` : `Unsubscribe: ${link}`;
};

const words = (_language: 'de' | 'en', subject: string, body: string, sms: string): Words => ({
  subject,
  body,
  sms,
});

function content(language: 'de' | 'en', subject: string, body: string, sms: string): TemplateContent {
  const greeting = language === 'de' ? 'Hallo {{first_name}},' : 'Hello {{first_name}},';
  return {
    subject,
    html: `<p>${greeting}</p><p>${body}</p>${optOut(language, true)}`,
    text: `${greeting}\n\n${body}\n\n${optOut(language, false)}`,
    sms: `${sms} ${language === 'de' ? 'STOP zum Abmelden' : 'Reply STOP to opt out'}`,
  };
}

/** The issues a left campaign most often leads with, each tied to the statistics that make it pressing. */
const ISSUES: Issue[] = [
  {
    key: 'housing',
    name: { de: 'Wohnen und Miete', en: 'Housing and rent' },
    weights: {
      density_per_km2: 0.35,
      net_migration_per_1000: 0.25,
      living_space_per_inhabitant_m2: -0.25,
      dwellings_completed_per_1000: -0.15,
    },
    reasoning:
      'Rents rise where many people live close together and more keep arriving, while little is built and flats are small: high density and migration gain, little living space per inhabitant, few completed dwellings.',
    words: {
      de: words(
        'de',
        'Miete frisst Lohn – nicht in {{region_name}}',
        'In {{region_name}} steigen die Mieten schneller als die Löhne. Wir kämpfen für einen Mietendeckel und mehr gemeinnützigen Wohnungsbau. Komm am {{event_date}} zu uns: {{event_place}}.',
        'Mieten runter in {{region_name}}! Treffen am {{event_date}}, {{event_place}}.',
      ),
      en: words(
        'en',
        'Rent is eating wages – not in {{region_name}}',
        'In {{region_name}} rents rise faster than wages. We fight for a rent cap and more non-profit housing. Join us on {{event_date}}: {{event_place}}.',
        'Lower rents in {{region_name}}! Meet us {{event_date}}, {{event_place}}.',
      ),
    },
  },
  {
    key: 'inflation',
    name: { de: 'Preise und Inflation', en: 'Prices and inflation' },
    weights: { disposable_income_eur: -0.35, sgb2_per_1000: 0.35, unemployment_pct: 0.3 },
    reasoning:
      'Rising prices hurt most where money is already short: low disposable income, a high share of people on SGB II, high unemployment.',
    words: {
      de: words(
        'de',
        'Preise runter – für {{region_name}}',
        'Lebensmittel, Strom und Heizung werden teurer, aber das Geld reicht nicht weiter. Wir fordern Preisdeckel auf Grundnahrungsmittel und Energie. Sprich mit uns am {{event_date}}: {{event_place}}.',
        'Preise runter! Infos am {{event_date}}, {{event_place}}.',
      ),
      en: words(
        'en',
        'Bring prices down – for {{region_name}}',
        'Food, power and heating cost more, while money does not stretch further. We want price caps on basic food and energy. Talk to us on {{event_date}}: {{event_place}}.',
        'Bring prices down! Info {{event_date}}, {{event_place}}.',
      ),
    },
  },
  {
    key: 'climate',
    name: { de: 'Klima', en: 'Climate' },
    weights: {
      age_18_24_pct: 0.2,
      age_25_34_pct: 0.2,
      school_leavers_abitur_pct: 0.3,
      cars_electric_hybrid_pct: 0.3,
    },
    reasoning:
      'Climate policy moves young, highly educated electorates and places already changing how they drive: many 18–34-year-olds, a high Abitur share, many electric or hybrid cars.',
    words: {
      de: words(
        'de',
        'Klimaschutz, der sozial ist',
        'Klimaschutz darf nicht an der Geldbörse scheitern: Bus und Bahn günstig, Heizungstausch bezahlbar. Mach mit am {{event_date}}: {{event_place}}.',
        'Klimaschutz sozial gerecht! {{event_date}}, {{event_place}}.',
      ),
      en: words(
        'en',
        'Climate action that is fair',
        'Climate action must not depend on your wallet: cheap buses and trains, affordable heating. Join us on {{event_date}}: {{event_place}}.',
        'Fair climate action! {{event_date}}, {{event_place}}.',
      ),
    },
  },
  {
    key: 'jobs',
    name: { de: 'Arbeit und Löhne', en: 'Jobs and wages' },
    weights: {
      unemployment_pct: 0.35,
      unemployment_15_24_pct: 0.2,
      employees_industry_pct: 0.25,
      gdp_per_inhabitant_eur: -0.2,
    },
    reasoning:
      'Jobs and wages matter most where work is scarce or at risk: high unemployment (also among the young), many industrial jobs exposed to restructuring, low output per inhabitant.',
    words: {
      de: words(
        'de',
        'Gute Arbeit in {{region_name}}',
        'Tarifverträge, ein höherer Mindestlohn und Industriejobs, die bleiben. Darüber reden wir am {{event_date}}: {{event_place}}.',
        'Gute Arbeit, faire Löhne! {{event_date}}, {{event_place}}.',
      ),
      en: words(
        'en',
        'Good jobs in {{region_name}}',
        'Collective agreements, a higher minimum wage and industrial jobs that stay. Let us talk on {{event_date}}: {{event_place}}.',
        'Good jobs, fair pay! {{event_date}}, {{event_place}}.',
      ),
    },
  },
  {
    key: 'health',
    name: { de: 'Gesundheit und Pflege', en: 'Health and care' },
    weights: {
      age_75_plus_pct: 0.35,
      age_60_74_pct: 0.25,
      density_per_km2: -0.2,
      natural_change_per_1000: -0.2,
    },
    reasoning:
      'Care and clinics weigh most in ageing, thinly populated areas where hospitals close: many over-60s and over-75s, low density, more deaths than births.',
    words: {
      de: words(
        'de',
        'Pflege und Klinik vor Ort',
        'Krankenhäuser schließen, Pflege wird unbezahlbar. Wir wollen eine solidarische Gesundheitsversicherung und Kliniken in der Nähe. Komm am {{event_date}}: {{event_place}}.',
        'Klinik vor Ort erhalten! {{event_date}}, {{event_place}}.',
      ),
      en: words(
        'en',
        'Care and hospitals close to home',
        'Hospitals close and care becomes unaffordable. We want one solidarity health insurance and clinics nearby. Come on {{event_date}}: {{event_place}}.',
        'Keep our hospital! {{event_date}}, {{event_place}}.',
      ),
    },
  },
  {
    key: 'pensions',
    name: { de: 'Rente', en: 'Pensions' },
    weights: { age_60_74_pct: 0.4, age_75_plus_pct: 0.3, disposable_income_eur: -0.3 },
    reasoning:
      'Pensions speak to older electorates, and most urgently where incomes are low: many 60–74 and over-75-year-olds, low disposable income.',
    words: {
      de: words(
        'de',
        'Eine Rente, die zum Leben reicht',
        'Wer ein Leben lang gearbeitet hat, braucht eine Rente ohne Armut. Unsere Vorschläge am {{event_date}}: {{event_place}}.',
        'Rente zum Leben! {{event_date}}, {{event_place}}.',
      ),
      en: words(
        'en',
        'A pension you can live on',
        'After a working life, nobody should retire into poverty. Hear our plans on {{event_date}}: {{event_place}}.',
        'A pension to live on! {{event_date}}, {{event_place}}.',
      ),
    },
  },
  {
    key: 'peace',
    name: { de: 'Frieden', en: 'Peace' },
    weights: { age_60_74_pct: 0.15, age_18_24_pct: 0.1 },
    reasoning:
      'Peace has no strong structural correlate in these statistics; the light weights (older and very young electorates) keep it from winning on structure alone, so a strategist chooses it deliberately.',
    words: {
      de: words(
        'de',
        'Diplomatie statt Aufrüstung',
        'Wir setzen auf Diplomatie, Abrüstung und soziale Sicherheit statt Rüstungsmilliarden. Diskutiere mit am {{event_date}}: {{event_place}}.',
        'Frieden statt Aufrüstung! {{event_date}}, {{event_place}}.',
      ),
      en: words(
        'en',
        'Diplomacy, not rearmament',
        'We stand for diplomacy, disarmament and social security instead of billions for arms. Join the debate on {{event_date}}: {{event_place}}.',
        'Peace, not rearmament! {{event_date}}, {{event_place}}.',
      ),
    },
  },
  {
    key: 'transit',
    name: { de: 'Bus und Bahn', en: 'Public transport' },
    weights: { density_per_km2: 0.3, cars_per_1000: -0.4, age_18_24_pct: 0.15 },
    reasoning:
      'Cheap public transport matters where people rely on it: dense areas, few cars per inhabitant, many young adults without a car.',
    words: {
      de: words(
        'de',
        'Bus und Bahn für alle',
        'Ein günstiges Deutschlandticket und ein Takt, der auch abends fährt. Wie, erklären wir am {{event_date}}: {{event_place}}.',
        'Bus und Bahn für alle! {{event_date}}, {{event_place}}.',
      ),
      en: words(
        'en',
        'Buses and trains for everyone',
        'A cheap Deutschlandticket and services that run in the evening too. Hear how on {{event_date}}: {{event_place}}.',
        'Transit for all! {{event_date}}, {{event_place}}.',
      ),
    },
  },
  {
    key: 'education',
    name: { de: 'Bildung', en: 'Education' },
    weights: {
      age_under_18_pct: 0.3,
      school_leavers_no_diploma_pct: 0.3,
      sgb2_per_1000: 0.2,
      childcare_under_3_pct: -0.2,
    },
    reasoning:
      'Education speaks to young families where schools and childcare fall short: many children, many school leavers without a diploma, child poverty (SGB II), few childcare places for under-3s.',
    words: {
      de: words(
        'de',
        'Gute Schulen für {{region_name}}',
        'Kein Kind darf zurückbleiben: kostenfreie Kita, sanierte Schulen, mehr Lehrkräfte. Mehr am {{event_date}}: {{event_place}}.',
        'Gute Schulen, freie Kita! {{event_date}}, {{event_place}}.',
      ),
      en: words(
        'en',
        'Good schools for {{region_name}}',
        'No child left behind: free childcare, renovated schools, more teachers. More on {{event_date}}: {{event_place}}.',
        'Good schools, free childcare! {{event_date}}, {{event_place}}.',
      ),
    },
  },
];

const EVENT_SENTENCE = /\s*[^.!?]*\{\{event_date\}\}.*$/s;

/** The campaign template: the issue without the event, for any wave. */
function campaign(issue: Issue): DefaultTemplate {
  const { words: w, ...rest } = issue;
  const plain = (language: 'de' | 'en') => {
    const { subject, body, sms } = w[language];
    return content(language, subject, body.replace(EVENT_SENTENCE, ''), sms.slice(0, sms.indexOf('!') + 1));
  };
  return { ...rest, context: 'campaign', content: { de: plain('de'), en: plain('en') } };
}

/** The reminder template (`<key>-reminder`): the issue with the event's date and place, for event waves. */
function reminder(issue: Issue): DefaultTemplate {
  const { words: w, ...rest } = issue;
  const full = (language: 'de' | 'en') => {
    const { subject, body, sms } = w[language];
    return content(language, `${language === 'de' ? 'Termin' : 'Save the date'}: ${subject}`, body, sms);
  };
  return {
    ...rest,
    key: `${issue.key}-reminder`,
    name: { de: `${issue.name.de} (Erinnerung)`, en: `${issue.name.en} (reminder)` },
    context: 'event',
    content: { de: full('de'), en: full('en') },
  };
}

/** Every issue twice: a campaign template with its key, and its reminder for waves tied to an event. */
export const DEFAULT_TEMPLATES: DefaultTemplate[] = ISSUES.flatMap((issue) => [
  campaign(issue),
  reminder(issue),
]);
