import { api, ok } from '../api/client';
import type { components } from '../api/schema';

/**
 * The service's configuration (`GET /config`): consent purposes, languages, channels, the contacts mapping keys and
 * the thresholds a screen shows. It is read once after sign-in, and no screen is shown before it is here, so every
 * screen reads it with `serverConfig()` and nothing the service decides is written into the app.
 */
export type ServerConfig = components['schemas']['AppConfigDto'];
export type Channel = ServerConfig['channels'][number];
export type FrequencyCap = NonNullable<ServerConfig['frequencyCap']>;

const held = $state<{ config: ServerConfig | null }>({ config: null });
let asked: Promise<ServerConfig> | null = null;

/** Asks the service once; a failed answer is asked again the next time. */
export function loadServerConfig(): Promise<ServerConfig> {
  asked ??= ok(api.GET('/config')).then(
    (config) => (held.config = config),
    (e: unknown) => {
      asked = null;
      throw e;
    },
  );
  return asked;
}

/** Whether the configuration is here (the app shows screens only then). */
export const serverConfigLoaded = (): boolean => held.config !== null;

export function serverConfig(): ServerConfig {
  if (!held.config) throw new Error('The configuration is read after sign-in, before any screen is shown');
  return held.config;
}

/** The keys of the consent purposes the service is set up with, in its order. */
export const purposeKeys = (): string[] => serverConfig().purposes.all.map((p) => p.key);

/** A purpose's name in the app's language, as supporters read it; the key itself for one the service does not know. */
export function purposeName(key: string, language: 'de' | 'en'): string {
  return serverConfig().purposes.all.find((p) => p.key === key)?.names[language] ?? key;
}
