import type { INestApplication } from '@nestjs/common';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createApp } from '../src/app.js';
import { AuthService } from '../src/auth/auth.service.js';
import type { Role } from '../src/common/roles.js';
import { loadConfig } from '../src/config/config.js';
import { ImportsService } from '../src/imports/imports.service.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: INestApplication<App>;
  db: TestDatabase;
  http: () => ReturnType<typeof request>;
  tokens: Record<Role, string>;
  /** The bearer header of the test user of a role: `.set(t.as('staff'))`. */
  as: (role: Role) => { Authorization: string };
  /** The TOTP secrets of the users enrolled at sign-in (their role needed a second factor). */
  totpSecrets: Partial<Record<Role, string>>;
  imports: ImportsService;
  close(): Promise<void>;
}

/**
 * The real application on its own fresh database, with one logged-in staff user per role. Sign-in asks no second
 * factor here (`MFA_REQUIRED_ROLES=none`) unless a suite about it says otherwise: then the users of the roles it
 * names are enrolled as they sign in, and their secrets kept in `totpSecrets`. Browser suites sign in many times a minute, so the login limit is lifted unless a
 * suite tests it. Passwords are hashed at the cheap test cost (src/auth/passwords.spec.ts checks the production one).
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = await testConfig(env);
  const app = (await createApp(config, db.url)) as INestApplication<App>;
  await app.init();
  const auth = app.get(AuthService);
  const tokens = {} as Record<Role, string>;
  const totpSecrets: Partial<Record<Role, string>> = {};
  for (const role of ['admin', 'strategist', 'staff'] as Role[]) {
    const password = `${role}-password-long`;
    await auth.createUser({ name: role, email: `${role}@example.org`, password, role }, null);
    const signedIn = await auth.login(`${role}@example.org`, password);
    if ('token' in signedIn) {
      tokens[role] = signedIn.token;
    } else {
      const { secret } = await auth.enrolAtSignIn(signedIn.challenge);
      totpSecrets[role] = secret;
      tokens[role] = (await auth.completeSignIn(signedIn.challenge, await generate({ secret }))).token;
    }
  }
  return {
    app,
    db,
    http: () => request(app.getHttpServer()),
    tokens,
    as: (role) => ({ Authorization: `Bearer ${tokens[role]}` }),
    totpSecrets,
    imports: app.get(ImportsService),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

/** The configuration every tier of the tests runs with: a data directory of its own, quiet logs, cheap hashes. */
export async function testConfig(env: Record<string, string> = {}) {
  return loadConfig({
    DATA_DIR: await mkdtemp(join(tmpdir(), 'voter-segments-app-')),
    LOG_LEVEL: 'error',
    MFA_REQUIRED_ROLES: 'none',
    LOGIN_ATTEMPTS_PER_MINUTE: '1000',
    PASSWORD_HASH_COST: 'test',
    ...env,
  });
}
