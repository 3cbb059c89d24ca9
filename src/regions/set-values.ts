import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import type { DataSource, EntityManager } from 'typeorm';
import { Roles } from '../common/auth.decorators.js';
import { ApiErrors } from '../common/api-docs.js';
import { AppError, ErrorCode } from '../common/errors.js';
import { SET_KEY_PATTERN } from './editions.js';
import { setByKey } from './region-sets.js';

export class SetValuesQuery {
  @ApiProperty({ example: 'constituency/2025' })
  @Matches(SET_KEY_PATTERN, {
    message: 'a region set is named like constituency/2025 (see GET /region-sets)',
  })
  set: string;

  @ApiProperty({ example: 'unemployment_pct', description: 'Feature key (GET /features)' })
  @Matches(/^[a-z0-9_]{1,100}$/, { message: 'feature must be a feature key such as unemployment_pct' })
  feature: string;

  @ApiPropertyOptional({ description: "Day of the values (default: the set's latest)" })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'a day is written like 2023-12-31' })
  date?: string;
}

export class SetValuesDto {
  @ApiProperty({ example: 'constituency/2025' }) set: string;
  @ApiProperty() feature: string;
  @ApiProperty({ description: 'The label without its dates' }) label: string;
  @ApiProperty({ type: String, nullable: true }) unit: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The day of the values (null: the file stated none)',
  })
  asOf: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    description: 'Region code → value (null where the source had none)',
  })
  values: Record<string, number | null>;
}

/** A feature's values in one set on one day (the set's latest when none is given), by region code. */
export async function valuesOnDay(manager: EntityManager, setId: string, feature: string, date?: string) {
  const [{ day }]: { day: string | null }[] = date
    ? [{ day: date }]
    : await manager.query(
        `SELECT to_char(max(v.as_of), 'YYYY-MM-DD') AS day FROM feature_values v
         JOIN regions r ON r.id = v.region_id WHERE r.set_id = $1 AND v.feature_key = $2`,
        [setId, feature],
      );
  const rows: { code: string; value: number | null }[] = await manager.query(
    `SELECT r.code, v.value FROM feature_values v JOIN regions r ON r.id = v.region_id
     WHERE r.set_id = $1 AND v.feature_key = $2 AND COALESCE(v.as_of, '-infinity') = COALESCE($3::date, '-infinity')`,
    [setId, feature, day],
  );
  return { day, rows };
}

/** One feature of one set as a compact code → value document: what a map needs, in one answer. */
@Injectable()
export class SetValuesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async values(query: SetValuesQuery): Promise<SetValuesDto> {
    const [feature]: { label: string; unit: string | null }[] = await this.db.query(
      `SELECT label, unit FROM features WHERE key = $1`,
      [query.feature],
    );
    if (!feature)
      throw new AppError(ErrorCode.NotFound, `There is no feature ${query.feature} (see GET /features)`);
    const set = await setByKey(this.db.manager, query.set);
    if (!set)
      throw new AppError(ErrorCode.NotFound, `There is no region set ${query.set} (see GET /region-sets)`);
    const { day, rows } = await valuesOnDay(this.db.manager, set.id, query.feature, query.date);
    return {
      set: query.set,
      feature: query.feature,
      label: feature.label,
      unit: feature.unit,
      asOf: day,
      values: Object.fromEntries(rows.map((r) => [r.code, r.value])),
    };
  }
}

@ApiTags('regions')
@ApiBearerAuth()
@Roles('strategist', 'staff')
@Controller()
export class SetValuesController {
  constructor(private readonly service: SetValuesService) {}

  @Get('region-sets/values')
  @ApiOperation({ summary: "One feature's values for every region of a set, on one day" })
  @ApiOkResponse({ type: SetValuesDto })
  @ApiErrors(404)
  values(@Query() query: SetValuesQuery) {
    return this.service.values(query);
  }
}
