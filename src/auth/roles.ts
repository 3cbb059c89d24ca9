export const ROLES = ['admin', 'strategist', 'staff'] as const;
export type Role = (typeof ROLES)[number];
