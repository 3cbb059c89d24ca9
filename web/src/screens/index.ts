/** The app's screens, the roles that may use each, and the hash route of each (#/map). */
export const SCREENS = {
  map: { roles: ['admin', 'strategist', 'staff'] },
  data: { roles: ['admin', 'strategist', 'staff'] },
  users: { roles: ['admin'] },
} satisfies Record<string, { roles: string[] }>;

export type Screen = keyof typeof SCREENS;

export function screenFromHash(hash: string): Screen {
  const name = hash.replace(/^#\/?/, '').split('/')[0];
  return name in SCREENS ? (name as Screen) : 'map';
}
