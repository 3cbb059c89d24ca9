import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/data-source.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';

describe('the hand-over migration', () => {
  let db: TestDatabase;
  let migrated: DataSource;
  beforeAll(async () => {
    // A ledger as the version before it left it: a message sent, one queued, one with a worker that may have sent it.
    const before = MIGRATIONS.findIndex((m) => m.name === 'MessageHandOver1796600000000');
    db = await createTestDatabase(MIGRATIONS.slice(0, before));
    await db.dataSource.query(
      `INSERT INTO messages (id, kind, channel, purpose, status, claimed_by, lease_until, sent_at)
       VALUES ('00000000-0000-4000-8000-000000000001', 'campaign', 'email', 'campaign-news', 'sent', NULL, NULL, now()),
              ('00000000-0000-4000-8000-000000000002', 'campaign', 'email', 'campaign-news', 'queued', NULL, NULL, NULL),
              ('00000000-0000-4000-8000-000000000003', 'campaign', 'email', 'campaign-news', 'sending', 'old-worker',
               now() + interval '1 minute', NULL)`,
    );
    migrated = new DataSource(dataSourceOptions(db.url));
    await migrated.initialize();
    await migrated.runMigrations();
  });
  afterAll(async () => {
    await migrated.destroy();
    await db.drop();
  });

  it('counts a message in flight as handed over, so that it is never resent; the others are not', async () => {
    const rows = await migrated.query(
      `SELECT status, handed_over_at IS NOT NULL AS begun FROM messages ORDER BY id`,
    );
    expect(rows).toEqual([
      { status: 'sent', begun: false },
      { status: 'queued', begun: false },
      { status: 'sending', begun: true },
    ]);
  });
});
