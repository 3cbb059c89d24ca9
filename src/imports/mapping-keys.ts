import { CONTACT_MAPPING_KEYS } from '../contacts/contact-columns.js';
import { POSTCODE_MAPPING_KEYS } from '../regions/import-postcodes.js';
import { REGION_MAPPING_KEYS } from '../regions/region-rows.js';

/** The keys a mapping may name, for each kind of file that takes one (official layouts and geometry take none). */
export const MAPPING_KEYS: Record<MappableKind, Record<string, string>> = {
  contacts: CONTACT_MAPPING_KEYS,
  regions: REGION_MAPPING_KEYS,
  postcodes: POSTCODE_MAPPING_KEYS,
};

export const MAPPABLE_KINDS = ['contacts', 'regions', 'postcodes'] as const;
export type MappableKind = (typeof MAPPABLE_KINDS)[number];
