/** The languages messages and pages are written in. */
export const MESSAGE_LANGUAGES = ['de', 'en'] as const;
export type MessageLanguage = (typeof MESSAGE_LANGUAGES)[number];

/** The one rule for which language a person is written to in: German when that is theirs, else English. */
export const messageLanguage = (language: string | null | undefined): MessageLanguage =>
  language === 'de' ? 'de' : 'en';

/** The same rule in SQL, over a column of contact languages. */
export const messageLanguageSql = (column: string): string =>
  `CASE WHEN ${column} = 'de' THEN 'de' ELSE 'en' END`;
