import { InitialSchema1795241975304 } from './1795241975304-initial-schema.js';

/** In order. A new migration is generated with `npm run migration:generate` and added here. */
export const MIGRATIONS = [InitialSchema1795241975304];
