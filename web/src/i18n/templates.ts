/** The strings of the template library and its editor, in German and English. */
export const templatesDe = {
  title: 'Vorlagen',
};

export const templatesEn: typeof templatesDe = {
  title: 'Templates',
};
