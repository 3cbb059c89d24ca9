import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Public } from '../common/auth.decorators.js';
import { HealthDownDto, HealthDto } from './health.dto.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Is the service up, and can it reach its database?' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDownDto, description: 'The database cannot be reached' })
  async check(): Promise<HealthDto> {
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
