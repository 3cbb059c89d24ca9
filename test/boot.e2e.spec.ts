import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../src/database/embedded-postgres.js';

const MAIN = resolve(import.meta.dirname, '../dist/main.js');

function start(env: Record<string, string>) {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, [MAIN], { env: { ...base, LOG_LEVEL: 'error', ...env } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const ready = () =>
    new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        if (output.includes('Service:')) {
          clearInterval(timer);
          done();
        }
      }, 50);
      void exited.then(() => {
        clearInterval(timer);
        fail(new Error(`exited before it was ready:\n${output}`));
      });
    });
  return { child, exited, ready, output: () => output };
}

describe('starting and stopping the service', () => {
  it('refuses to start on bad configuration and lists every problem', async () => {
    const run = start({ PORT: 'eighty', DEFAULT_COUNTRY: 'Germany', DATABASE_URL: 'mysql://x' });
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/Invalid configuration/);
    expect(run.output()).toMatch(/PORT/);
    expect(run.output()).toMatch(/DEFAULT_COUNTRY/);
    expect(run.output()).toMatch(/DATABASE_URL/);
  });

  it('starts its own PostgreSQL when DATABASE_URL is unset, serves /health, and stops both on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'voter-segments-boot-'));
    await chmod(dataDir, 0o755);
    const port = await freePort();
    const run = start({ DATA_DIR: dataDir, PORT: String(port) });
    await run.ready();
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: { status: 'up' } });
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });
});
