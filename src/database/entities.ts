import { AuditEntry } from '../audit/audit-entry.entity.js';
import { StaffToken } from '../auth/staff-token.entity.js';
import { StaffUser } from '../auth/staff-user.entity.js';
import { ConsentEvent } from '../consent/consent-event.entity.js';
import { ConsentState } from '../consent/consent-state.entity.js';
import { Contact } from '../contacts/contact.entity.js';
import { ImportJob } from '../imports/import-job.entity.js';
import { Feature } from '../regions/feature.entity.js';
import { Postcode } from '../regions/postcode.entity.js';
import { Region } from '../regions/region.entity.js';

export const ENTITIES = [
  Region,
  Feature,
  Postcode,
  Contact,
  ConsentEvent,
  ConsentState,
  ImportJob,
  StaffUser,
  StaffToken,
  AuditEntry,
];
