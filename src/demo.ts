import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { AuthService } from './auth/auth.service.js';
import { MatchesService } from './segmentation/matches.service.js';
import { SegmentationService } from './segmentation/segmentation.service.js';
import { mfaRequiredRoles, type Env } from './config/config.js';
import type { ImportKind } from './imports/import-job.entity.js';
import { importFile, importOptions } from './imports/import-runner.js';

const SAMPLES = resolve(import.meta.dirname, '..', 'data-samples');
const DEMO_EMAIL = 'admin@example.org';

/**
 * One segmentation of the made-up country with its clear proposals approved by the demo admin, so the map shows
 * segments at once.
 */
async function segmentDemo(app: INestApplication, db: DataSource) {
  const [{ id: adminId }]: { id: string }[] = await db.query(`SELECT id FROM staff_users WHERE email = $1`, [
    DEMO_EMAIL,
  ]);
  const run = await app.get(SegmentationService).create({ k: '3-6', seed: 42 }, adminId);
  const matches = app.get(MatchesService);
  const { segments } = await matches.matrix(run.id);
  for (const s of segments) if (s.proposed) await matches.decide(run.id, s.segmentId, s.proposed, adminId);
  console.log(
    `Segmented the demo districts: k = ${run.k}, ${segments.filter((s) => s.proposed).length} proposals approved`,
  );
}

/** Loads data-samples/ into an empty database and makes sure a demo admin exists; returns how to log in. */
export async function loadDemo(app: INestApplication, env: Env): Promise<string> {
  const db = app.get<DataSource>(getDataSourceToken());
  const [{ n }]: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM regions`);
  if (n === 0) {
    for (const [kind, file] of [
      ['regions', 'regions.csv'],
      ['geometry', 'geometry.geojson'],
      ['postcodes', 'postcodes.csv'],
      ['contacts', 'contacts.csv'],
    ] as const) {
      const request = {
        kind: kind as ImportKind,
        path: join(SAMPLES, file),
        fileName: file,
        options: importOptions(env),
      };
      const job = await importFile(db, request);
      console.log(
        `Loaded data-samples/${file}: ${job.status}, ${job.inserted} inserted, ${job.rejected} rejected` +
          (job.rejected ? ' (deliberately bad sample rows)' : ''),
      );
    }
  }
  const credentials = join(env.DATA_DIR, 'demo-admin.txt');
  let password: string;
  if (existsSync(credentials)) {
    password = (await readFile(credentials, 'utf8')).trim();
  } else {
    password = randomBytes(12).toString('base64url');
    await app
      .get(AuthService)
      .createUser({ name: 'Demo admin', email: DEMO_EMAIL, password, role: 'admin' }, null);
    await writeFile(credentials, password + '\n', { mode: 0o600 });
  }
  if (n === 0) await segmentDemo(app, db);
  const url = `http://${env.HOST}:${env.PORT}`;
  const login = `curl -s ${url}/auth/login -H 'content-type: application/json' -d '{"email":"${DEMO_EMAIL}","password":"${password}"}'`;
  return [
    `Log in:   ${DEMO_EMAIL} / ${password}  (kept in ${credentials})`,
    ...(mfaRequiredRoles(env).includes('admin')
      ? [
          '          Admins sign in with a second factor: the first sign-in in the web app sets it up with an',
          '          authenticator app (MFA_REQUIRED_ROLES=none turns this off). Scripts use an API key.',
        ]
      : [
          `          ${login}`,
          `          then send "Authorization: Bearer <token>", e.g. curl -s ${url}/regions?level=constituency -H "Authorization: Bearer $TOKEN"`,
        ]),
  ].join('\n');
}
