import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @Public()
  @ApiOkResponse({ description: '{ status: "ok", database: { status: "up", latencyMs, migrations } }' })
  async check() {
    const started = performance.now();
    try {
      const [{ migrations }]: { migrations: number }[] = await this.db.query(
        `SELECT count(*)::int AS migrations FROM migrations`,
      );
      return {
        status: 'ok',
        database: { status: 'up', latencyMs: Math.round(performance.now() - started), migrations },
      };
    } catch (e) {
      throw new ServiceUnavailableException({
        status: 'error',
        database: { status: 'down', error: (e as Error).message },
      });
    }
  }
}
