import { InitialSchema1795241975304 } from './1795241975304-initial-schema.js';
import { SegmentationRuns1795244158849 } from './1795244158849-segmentation-runs.js';

/** In order. A new migration is generated with `npm run migration:generate` and added here. */
export const MIGRATIONS = [InitialSchema1795241975304, SegmentationRuns1795244158849];
