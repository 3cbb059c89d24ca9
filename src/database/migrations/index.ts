import { InitialSchema1795241975304 } from './1795241975304-initial-schema.js';
import { SegmentationAndTemplates1795245570200 } from './1795245570200-segmentation-and-templates.js';

/** In order. A new migration is generated with `npm run migration:generate` and added here. */
export const MIGRATIONS = [InitialSchema1795241975304, SegmentationAndTemplates1795245570200];
