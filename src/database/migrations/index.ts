import { InitialSchema1795239390046 } from './1795239390046-initial-schema.js';

/** In order. A new migration is generated with `npm run migration:generate` and added here. */
export const MIGRATIONS = [InitialSchema1795239390046];
