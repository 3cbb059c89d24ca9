// Shared by the wave benchmarks: an embedded PostgreSQL in a temp folder, migrated; N synthetic contacts seeded by
// SQL (80 % confirmed per channel); a Nest context with the wave services; an SMTP sink in its own process.
import { fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { setTimeout } from 'node:timers';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '../dist/config/config.js';
import { startEmbeddedPostgres } from '../dist/database/embedded-postgres.js';
import { ensureDefaultTemplates } from '../dist/templates/templates.service.js';
import { WaveMonitor } from '../dist/waves/monitor.service.js';
import { WavePreview } from '../dist/waves/wave-preview.js';
import { WavesService } from '../dist/waves/waves.service.js';
import { WorkerModule } from '../dist/worker.js';

export const root = resolve(import.meta.dirname, '..');

export async function benchDatabase(name) {
  const work = await mkdtemp(join(tmpdir(), `bench-${name}-`));
  await chmod(work, 0o755); // the embedded server runs as its own system user when we are root
  const server = await startEmbeddedPostgres(join(work, 'pg'), { persistent: false });
  return {
    url: server.url,
    work,
    stop: async () => {
      await server.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** The wave services (lifecycle, preview, monitor) on the database, without dispatching (workers are separate processes). */
export async function waveContext(url, env = {}) {
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'error', DISPATCH_IN_API: 'false', ...env });
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, url), {
    logger: ['error'],
  });
  const waves = app.get(WavesService);
  await ensureDefaultTemplates(waves.db.manager);
  return { app, waves, previews: app.get(WavePreview), monitor: app.get(WaveMonitor), db: waves.db };
}

/** `count` contacts with confirmed email and SMS consent for campaign-news, `withdrawn` of them withdrawn per
 * channel (set-based: seconds for a million). */
export async function seedContacts(db, count, withdrawn = 0.2) {
  await db.query(
    `INSERT INTO contacts (email, phone, first_name, language, time_zone, source)
     SELECT 'c' || i || '@example.org', '+49151' || lpad(i::text, 8, '0'), 'Name' || i,
       CASE WHEN i % 3 = 0 THEN 'de' ELSE 'en' END, 'Europe/Berlin', 'bench'
     FROM generate_series(1, $1) AS i`,
    [count],
  );
  await db.query(
    `INSERT INTO consent_events (contact_id, channel, purpose, action, source, occurred_at, ip)
     SELECT c.id, ch, 'campaign-news', CASE WHEN abs(hashtext(c.email || ch)) % 1000 < $1 THEN 'withdrawn' ELSE 'confirmed' END,
       'import', now() - interval '1 day', '192.0.2.1'
     FROM contacts c CROSS JOIN (VALUES ('email'), ('sms')) AS v(ch)`,
    [Math.round(withdrawn * 1000)],
  );
  // Contacts exist long before a wave: their tables are vacuumed and flushed, not still settling while it sends.
  await db.query('VACUUM ANALYZE');
  await db.query('CHECKPOINT');
}

/**
 * Approves a wave above APPROVAL_THRESHOLD, as a strategist made for it (with no password that could log in), so
 * that its launch is measured as it runs once approved.
 */
export async function approve(db, waves, waveId) {
  const [{ id }] = await db.query(
    `INSERT INTO staff_users (name, email, password_hash, role)
     VALUES ('bench approver', 'approver-' || gen_random_uuid() || '@example.org', '!', 'strategist') RETURNING id`,
  );
  await waves.approve(waveId, id, (await waves.get(waveId)).revision);
}

/** Seeds `messages` contacts, all consenting, and launches a fixed-template wave to them; sends nothing itself. */
export async function launchedWave(url, channel, messages, template = 'housing') {
  const { app, waves, db } = await waveContext(url);
  await seedContacts(db, messages, 0);
  const wave = await waves.create(fixedWave(channel, template), null);
  await approve(db, waves, wave.id);
  await waves.launch(wave.id, null);
  await app.close();
  return wave.id;
}

export function fixedWave(channel, template = 'housing') {
  return {
    name: `bench ${channel}`,
    channel,
    purpose: 'campaign-news',
    audience: {},
    templateStrategy: 'fixed',
    templateKey: template,
  };
}

/**
 * An SMTP sink on 127.0.0.1 that accepts and counts messages: Postfix's `smtp-sink` (Debian package postfix) when it
 * is installed, as it costs the machine far less CPU than a Node server; else the `smtp-server` package in its own
 * process (or with BENCH_SINK=node). `count()` asks it how many messages it has accepted.
 */
export async function smtpSink() {
  const postfixSink = '/usr/sbin/smtp-sink';
  if (process.env.BENCH_SINK !== 'node' && existsSync(postfixSink)) {
    const port = await freePort();
    const child = spawn(
      postfixSink,
      ['-c', ...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []), `127.0.0.1:${port}`, '256'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let count = 0;
    // It prints "sess=… quit=… mesg=N" followed by a carriage return whenever a message arrives.
    child.stdout.on('data', (chunk) => {
      const all = [...chunk.toString().matchAll(/mesg=(\d+)/g)];
      if (all.length) count = Number(all.at(-1)[1]);
    });
    await until(
      () =>
        new Promise((done) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.destroy();
            done(true);
          });
          socket.on('error', () => done(false));
        }),
      50,
    );
    return {
      name: 'postfix smtp-sink',
      url: `smtp://127.0.0.1:${port}`,
      count: async () => count,
      stop: () => child.kill(),
    };
  }
  const child = fork(join(root, 'bench/smtp-sink.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise((done) => child.once('message', (m) => done(m.port)));
  return {
    name: 'smtp-server (Node)',
    url: `smtp://127.0.0.1:${port}`,
    count: () =>
      new Promise((done) => {
        child.once('message', (m) => done(m.count));
        child.send('count');
      }),
    stop: () => child.kill(),
  };
}

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** A worker process (`npm run worker`) on the bench database; resolves once it dispatches. */
export async function startWorker(url, env) {
  // With the node flags of `npm run worker`.
  const scripts = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).scripts;
  const flags = /node (.*)dist\/worker\.js/.exec(scripts.worker)[1].split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...flags,
      ...(process.env.WORKER_NODE_FLAGS ?? '').split(' ').filter(Boolean),
      join(root, 'dist/worker.js'),
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: url,
        LOG_LEVEL: 'error',
        FREQUENCY_CAP: 'off',
        QUIET_HOURS_SMS: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((done) => child.stdout.once('data', done));
  // Keep reading, so that a worker that logs never blocks on a full pipe; BENCH_WORKER_LOG keeps what it says.
  if (process.env.BENCH_WORKER_LOG)
    child.stdout.pipe((await import('node:fs')).createWriteStream(process.env.BENCH_WORKER_LOG));
  else child.stdout.resume();
  return {
    /** CPU time used so far (user + system), in seconds. */
    cpuSeconds: async () => {
      const fields = (await readFile(`/proc/${child.pid}/stat`, 'utf8')).split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    /** Peak resident memory so far (VmHWM), in MB. */
    peakRssMb: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
    },
  };
}

export async function until(check, everyMs = 100) {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}
