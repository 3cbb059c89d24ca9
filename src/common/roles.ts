export const ROLES = ['admin', 'strategist', 'staff'] as const;
export type Role = (typeof ROLES)[number];

/** Personal data (contacts, their addresses, values from a contacts file) is for these roles only; never strategists. */
export const mayReadContacts = (role: Role): boolean => role === 'admin' || role === 'staff';
