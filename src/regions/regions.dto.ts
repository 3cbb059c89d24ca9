import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';

export class RegionQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'constituency' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  level?: string;

  @ApiPropertyOptional({ description: 'Only children of this region (id)' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({
    description: 'Only children of the region with this code (with level, e.g. state:911)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  parent?: string;
}

export class RegionDto {
  @ApiProperty() id: string;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() level: string;
  @ApiPropertyOptional({ nullable: true, description: '{ id, code, level, name } of the parent' })
  parent: { id: string; code: string; level: string; name: string } | null;
  @ApiProperty({ description: 'Feature key → value (null where the source had none)' })
  features: Record<string, number | null>;
}

export class FeatureDto {
  @ApiProperty() key: string;
  @ApiProperty() label: string;
  @ApiProperty({ nullable: true }) unit: string | null;
  @ApiProperty() source: string;
  @ApiProperty({ description: 'Regions that have a value' }) regions: number;
}
