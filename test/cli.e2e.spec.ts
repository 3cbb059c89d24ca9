import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from './database.js';
import { FIXTURES, tempFile } from './imports.js';

const run = promisify(execFile);
const CLI = resolve(import.meta.dirname, '../dist/cli.js');

describe('the CLI', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
        env: { ...process.env, DATABASE_URL: db.url, PASSWORD_HASH_COST: 'test' },
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const failed = e as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

  it('imports with --json: the last line is the summary, exit code 0', async () => {
    const regions = await cli('import', 'regions', join(FIXTURES, 'strukturdaten-2025-style.csv'), '--json');
    expect(regions.code).toBe(0);
    const file = await tempFile('email,region\ncli@example.org,74\nbroken,74\n');
    const result = await cli('import', 'contacts', file, '--json');
    expect(result.code).toBe(0);
    expect(lastJson(result.stdout)).toMatchObject({
      status: 'completed',
      read: 2,
      inserted: 1,
      updated: 0,
      unchanged: 0,
      rejected: 1,
      errors: [{ line: 3, column: 'email', reason: 'not a valid email address', value: 'broken' }],
    });
  });

  it('exits non-zero with the reason when the file is rejected', async () => {
    const result = await cli('import', 'contacts', await tempFile(''), '--json');
    expect(result.code).toBe(1);
    expect(lastJson(result.stdout)).toMatchObject({
      status: 'rejected',
      reason: 'the file is empty',
      inserted: 0,
    });
  });

  it('refuses a mapping with an unknown key or a missing column, listing the keys and the columns', async () => {
    const file = await tempFile('E-Mail;SMS-Erinnerung\nmapped@example.org;ja\n');
    const mapping = await tempFile(
      JSON.stringify({ smsConsent: 'SMS-Erinnerung', shoe_size: 'Schuh' }),
      'm.json',
    );
    const result = await cli('import', 'contacts', file, '--mapping', mapping);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'rejected (the mapping does not fit this contacts file: unknown key "shoe_size".',
    );
    expect(result.stdout).toMatch(
      /Valid keys: external_id, .*, sms_consent, .*\. The file's columns: E-Mail, SMS-Erinnerung\)/,
    );
    // The README's snake_case names work, camelCase is read as an alias: the SMS consent is not lost.
    const good = await tempFile(JSON.stringify({ sms_consent: 'SMS-Erinnerung' }), 'm.json');
    const phoneFile = await tempFile('E-Mail;Handy;SMS-Erinnerung\nmapped@example.org;0151 23456789;ja\n');
    const imported = await cli('import', 'contacts', phoneFile, '--mapping', good, '--json');
    expect(lastJson(imported.stdout)).toMatchObject({ status: 'completed', inserted: 1, warnings: 0 });
    const [event] = await db.dataSource.query(
      `SELECT e.channel, e.action FROM consent_events e JOIN contacts c ON c.id = e.contact_id
       WHERE c.email = 'mapped@example.org'`,
    );
    expect(event).toEqual({ channel: 'sms', action: 'requested' });
    const results = await cli('import', 'results', phoneFile, '--mapping', good);
    expect(results.stdout).toContain('they take no mapping');
  });

  it('prints a readable summary without --json', async () => {
    const file = await tempFile('email\nagain@example.org\n');
    await cli('import', 'contacts', file);
    const second = await cli('import', 'contacts', file);
    expect(second.stdout).toMatch(/read 1, inserted 0, updated 0, unchanged 1, rejected 0/);
  });

  it('creates the first admin, who can then log in', async () => {
    const result = await cli(
      'user',
      'create-admin',
      '--email',
      'First@Example.org',
      '--password',
      'a-long-password-1',
    );
    expect(result.stdout).toMatch(/Created admin first@example.org/);
    const rows = await db.dataSource.query(`SELECT role FROM staff_users WHERE email = 'first@example.org'`);
    expect(rows).toEqual([{ role: 'admin' }]);
  });

  it('creates accounts by the rules the admin screen follows: a real email, a long password, no second account', async () => {
    const badEmail = await cli(
      'user',
      'create',
      '--email',
      'not-an-email',
      '--role',
      'staff',
      '--password',
      'x'.repeat(16),
    );
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toMatch(/email must be an email/);
    const shortPassword = await cli(
      'user',
      'create',
      '--email',
      's@example.org',
      '--role',
      'staff',
      '--password',
      'short',
    );
    expect(shortPassword.code).toBe(2);
    expect(shortPassword.stderr).toMatch(/password/i);
    const badRole = await cli(
      'user',
      'create',
      '--email',
      's@example.org',
      '--role',
      'king',
      '--password',
      'x'.repeat(16),
    );
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/role/);
    const twice = await cli(
      'user',
      'create-admin',
      '--email',
      'FIRST@example.org',
      '--password',
      'x'.repeat(16),
    );
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/first@example.org exists/);
    const audit = await db.dataSource.query(
      `SELECT staff_user_id, details FROM audit_log WHERE action = 'staff-user.create' ORDER BY at`,
    );
    expect(audit).toEqual([
      { staff_user_id: null, details: { email: 'first@example.org', role: 'admin', via: 'cli' } },
    ]);
  });

  it('removes a second factor when no admin can sign in any more, audited as the CLI', async () => {
    await db.dataSource.query(
      `UPDATE staff_users SET mfa_secret = 'db.x.y.z', mfa_enabled_at = now(), mfa_recovery_codes = '{abc}'
       WHERE email = 'first@example.org'`,
    );
    const result = await cli('user', 'reset-second-factor', '--email', 'First@Example.org');
    expect(result.stdout).toMatch(/Removed the second factor of first@example.org; 0 sessions ended/);
    const [row] = await db.dataSource.query(
      `SELECT mfa_secret, mfa_enabled_at, mfa_recovery_codes FROM staff_users WHERE email = 'first@example.org'`,
    );
    expect(row).toEqual({ mfa_secret: null, mfa_enabled_at: null, mfa_recovery_codes: null });
    const audit = await db.dataSource.query(
      `SELECT staff_user_id, details FROM audit_log WHERE action = 'staff-user.second-factor.reset'`,
    );
    expect(audit).toEqual([{ staff_user_id: null, details: { sessionsRevoked: 0, via: 'cli' } }]);
    const again = await cli('user', 'reset-second-factor', '--email', 'first@example.org');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/has no second factor/);
  });

  it('segments with --json and lists the matches with their reasons', async () => {
    await cli('import', 'regions', resolve(import.meta.dirname, '../data-samples/regions.csv'));
    const run = await cli('segment', '--k', '3', '--seed', '5', '--json');
    expect(run.code).toBe(0);
    const result = lastJson(run.stdout);
    expect(result).toMatchObject({ k: 3, kTable: [{ k: 3 }], stability: expect.any(Number) });
    expect(result.segments).toHaveLength(3);
    expect(result.segments[0]).toMatchObject({
      label: { de: expect.any(String), en: expect.any(String) },
      size: expect.any(Number),
    });
    const [{ n }] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM regions r JOIN region_levels l ON l.current_set_id = r.set_id
       WHERE l.level = 'constituency'`,
    );
    expect(result.segments.flatMap((s: { regions: unknown[] }) => s.regions)).toHaveLength(n);
    const matches = await cli('matches', result.id, '--json');
    const m = lastJson(matches.stdout);
    const best = m.segments[0].ranked[0];
    expect(m.segments[0]).toMatchObject({
      approved: null,
      proposed: best.score >= m.minScore ? best.template : null,
    });
    expect(m.segments[0].ranked[0].reasons[0]).toMatchObject({
      key: expect.any(String),
      z: expect.any(Number),
      contribution: expect.any(Number),
    });
    const readable = await cli('segment', '--k', '2-4', '--seed', '5');
    expect(readable.stdout).toMatch(/chosen k = \d, stability/);
  });

  it('refuses bad segmentation input with the reason and exit code 1', async () => {
    const result = await cli('segment', '--features', 'shoe_size');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown feature keys: shoe_size/);
  });

  it('explains its usage on a wrong command', async () => {
    const result = await cli('import', 'people', 'x.csv');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/import needs a kind/);
  });
});
