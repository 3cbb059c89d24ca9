import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { Env } from '../config/config.js';
import { dataSourceOptions } from '../database/data-source.js';
import { WavesModule } from './waves.module.js';

/** What a worker process (or the wave CLI) needs: the database, the channels and the waves; no HTTP, no imports. */
@Module({})
export class WorkerModule {
  static forRoot(env: Env, databaseUrl: string): DynamicModule {
    return {
      module: WorkerModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl), migrationsRun: true }),
        AuditModule,
        WavesModule,
      ],
      providers: [{ provide: Env, useValue: env }],
      exports: [Env],
    };
  }
}
