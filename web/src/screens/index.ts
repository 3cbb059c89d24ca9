import type { ClientPathsWithMethod } from 'openapi-fetch';
import type { api } from '../api/client';

/**
 * The app's screens, the roles that may use each, and the hash route of each (#/map, #/segmentations/<id>). A screen
 * for some roles names the API route it reads first (`probe`): another role reaching it is shown that route's 403.
 */
export const SCREENS = {
  map: { roles: ['admin', 'strategist', 'staff'] },
  segmentations: { roles: ['admin', 'strategist', 'staff'] },
  templates: { roles: ['admin', 'strategist', 'staff'] },
  waves: { roles: ['admin', 'strategist', 'staff'] },
  events: { roles: ['admin', 'strategist', 'staff'] },
  contacts: { roles: ['admin', 'staff'], probe: '/contacts' },
  data: { roles: ['admin', 'strategist', 'staff'] },
  users: { roles: ['admin'], probe: '/staff-users' },
  retention: { roles: ['admin'], probe: '/retention-rules' },
  audit: { roles: ['admin'], probe: '/audit' },
  account: { roles: ['admin', 'strategist', 'staff'] },
} satisfies Record<string, { roles: string[]; probe?: ClientPathsWithMethod<typeof api, 'get'> }>;

export type Screen = keyof typeof SCREENS;

/** The API routes the screens read first (`probe`). */
export type Probe = Extract<(typeof SCREENS)[Screen], { probe: unknown }>['probe'];

/** The API route a screen for some roles reads first, if it names one. */
export function probeOf(screen: Screen): Probe | undefined {
  const entry: { roles: string[]; probe?: Probe } = SCREENS[screen];
  return entry.probe;
}

/** The roles that may change segments, matches and templates; staff read them for their waves. */
export const EDITORS = ['admin', 'strategist'];

/** The roles that build, launch and steer waves and import contacts. */
export const SENDERS = ['admin', 'staff'];

export interface Route {
  screen: Screen;
  /** What follows the screen's name: #/segmentations/<id>/matches → [<id>, 'matches']. */
  path: string[];
}

export function routeFromHash(hash: string): Route {
  const [name, ...path] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return name in SCREENS
    ? { screen: name as Screen, path: path.filter(Boolean) }
    : { screen: 'map', path: [] };
}

export const href = (screen: Screen, ...path: string[]) =>
  `#/${[screen, ...path].map(encodeURIComponent).join('/')}`;
