import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ScrubbingLogger } from './common/logging.js';
import { ConfigError, Env, loadConfig } from './config/config.js';
import { resolveDatabase } from './database/database-url.js';
import { dataSourceOptions } from './data-source.js';
import { Dispatcher } from './waves/dispatcher.js';
import { WavesModule } from './waves/waves.module.js';

/**
 * What a worker process (or the CLI) needs: the database, the channels, the waves and the staff accounts (the CLI
 * creates them through the same service as the API); no HTTP, no imports.
 */
@Module({})
export class WorkerModule {
  static forRoot(env: Env, databaseUrl: string): DynamicModule {
    return {
      module: WorkerModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl), migrationsRun: true }),
        AuditModule,
        AuthModule,
        WavesModule,
      ],
      providers: [{ provide: Env, useValue: env }],
      exports: [Env],
    };
  }
}

const LEVEL_ORDER: Env['LOG_LEVEL'][] = ['error', 'warn', 'log', 'debug'];

export interface WorkerContext {
  app: INestApplicationContext;
  close(): Promise<void>;
}

/** The worker's application context, dispatching or not; close() also stops an embedded database it started. */
export async function workerContext(
  env: Env,
  dispatch: boolean,
  logLevel: Env['LOG_LEVEL'] = env.LOG_LEVEL,
): Promise<WorkerContext> {
  const database = await resolveDatabase(env);
  Object.assign(env, { DISPATCH_IN_API: dispatch ? 'true' : 'false' });
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env, database.url), {
    // A command's output is its answer: below `log`, the start-up lines of every module stay out of it.
    logger: new ScrubbingLogger(
      LEVEL_ORDER.indexOf(logLevel) < LEVEL_ORDER.indexOf(env.LOG_LEVEL) ? logLevel : env.LOG_LEVEL,
    ),
  });
  return {
    app,
    close: async () => {
      await app.close();
      await database.stop();
    },
  };
}

/** `worker [--name N]`: dispatches every wave until SIGINT or SIGTERM. */
export async function runWorker(env: Env, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { name: { type: 'string' } } });
  if (values.name) env.WORKER_NAME = values.name;
  const { app, close } = await workerContext(env, true);
  console.log(`worker ${app.get(Dispatcher).worker} dispatching; Ctrl-C stops it`);
  await new Promise<void>((resolve) => {
    // As in the service: stop the worker first, then an embedded database, not both at once.
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await close();
  return 0;
}

// `node dist/worker.js [--name N]`, the same as `cli worker`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  void (async () => {
    try {
      process.exit(await runWorker(loadConfig(), process.argv.slice(2)));
    } catch (e) {
      console.error(e instanceof ConfigError ? e.message : e);
      process.exit(2);
    }
  })();
