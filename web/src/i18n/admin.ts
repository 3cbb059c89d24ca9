/** The strings of staff accounts, API keys, retention rules and the audit log, in German and English. */
export const adminDe = {
  title: 'Verwaltung',
};

export const adminEn: typeof adminDe = {
  title: 'Administration',
};
