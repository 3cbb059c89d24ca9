// The schema as the application sees it: every entity, the migrations, and how to open the database. At the top of
// the tree (beside the entry points), since it names the entities of every room.
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Env } from './config/config.js';
import { resolveDatabase } from './database/database-url.js';
import { MIGRATIONS } from './database/migrations/index.js';
import { AuditEntry } from './audit/audit-entry.entity.js';
import { StaffToken } from './auth/staff-token.entity.js';
import { StaffUser } from './auth/staff-user.entity.js';
import { ConsentEvent } from './consent/consent-event.entity.js';
import { ConsentCurrent } from './consent/consent-current.entity.js';
import { ConsentState } from './consent/consent-state.entity.js';
import { Contact } from './contacts/contact.entity.js';
import { Message, MessageEvent } from './messaging/message.entity.js';
import { WaveOptOut } from './messaging/wave-opt-out.entity.js';
import { AppSecret, RetentionRule, Suppression } from './privacy/privacy.entities.js';
import { CampaignEvent } from './events/event.entity.js';
import { RateWindow, Wave } from './waves/wave.entities.js';
import { ImportJob } from './imports/import-job.entity.js';
import { ImportMapping } from './imports/import-mapping.entity.js';
import { ConfirmationRelease } from './messaging/confirmation-release.entity.js';
import { Feature } from './regions/feature.entity.js';
import { RegionGeometry, RegionSetGeometry } from './regions/geometry.entities.js';
import { Postcode } from './regions/postcode.entity.js';
import { FeatureValue } from './regions/feature-value.entity.js';
import { Region } from './regions/region.entity.js';
import { RegionLevel, RegionSet } from './regions/region-set.entity.js';
import {
  Segment,
  SegmentationRun,
  SegmentContactMember,
  SegmentMatch,
  SegmentMember,
} from './segmentation/segmentation.entities.js';
import { IssueTemplate, IssueTemplateVersion } from './templates/template.entities.js';
import { ClickTarget, LinkClick, LinkClickCount, LinkClickNonce } from './links/click.entities.js';

export const ENTITIES = [
  RegionSet,
  RegionLevel,
  Region,
  Feature,
  FeatureValue,
  Postcode,
  RegionGeometry,
  RegionSetGeometry,
  Contact,
  ConsentEvent,
  ConsentState,
  ConsentCurrent,
  ImportJob,
  ImportMapping,
  ConfirmationRelease,
  StaffUser,
  StaffToken,
  AuditEntry,
  SegmentationRun,
  Segment,
  SegmentMember,
  SegmentContactMember,
  IssueTemplate,
  IssueTemplateVersion,
  SegmentMatch,
  Message,
  ClickTarget,
  LinkClick,
  LinkClickNonce,
  LinkClickCount,
  MessageEvent,
  WaveOptOut,
  Suppression,
  AppSecret,
  RetentionRule,
  Wave,
  CampaignEvent,
  RateWindow,
];

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    synchronize: false,
    logging: ['error'],
    extra: { max: 10 },
  };
}

/** Used by the TypeORM CLI (`npm run migration:generate`); DATABASE_URL must point at a server. */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://localhost/voter_segments'),
);

/** A migrated DataSource for the CLI, with a close() that also stops an embedded server it started. */
export async function connect(env: Env): Promise<{ dataSource: DataSource; close(): Promise<void> }> {
  const database = await resolveDatabase(env);
  const dataSource = new DataSource(dataSourceOptions(database.url));
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await database.stop();
    },
  };
}
