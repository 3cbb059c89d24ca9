/** The strings of contacts, one contact's consent and messages, and the contacts upload, in German and English. */
export const contactsDe = {
  title: 'Kontakte',
};

export const contactsEn: typeof contactsDe = {
  title: 'Contacts',
};
