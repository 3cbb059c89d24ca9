import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { StaffRefDto } from '../common/api-docs.js';
import { PageQuery } from '../common/pagination.js';

/** An action (`wave.launch`), or the start of one ending in a dot (`wave.`): only these characters, none LIKE reads. */
export const ACTION_FILTER = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.?$/;

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Entries of this staff user' })
  @IsOptional()
  @IsUUID()
  staffUserId?: string;

  @ApiPropertyOptional({
    example: 'wave.',
    description:
      'One action (`wave.launch`), or ending in a dot every action of a kind (`wave.`, `staff-user.`)',
  })
  @IsOptional()
  @Matches(ACTION_FILTER, {
    message: 'action must be an action such as wave.launch, or a kind such as wave.',
  })
  action?: string;

  @ApiPropertyOptional({
    example: 'wave',
    description: 'What the entries are about: wave, contact, staff-user, …',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityType?: string;

  @ApiPropertyOptional({ description: 'The id of what they are about (with entityType)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  entityId?: string;

  @ApiPropertyOptional({ example: '2026-09-01T00:00:00Z', description: 'From this time on (inclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-10-01T00:00:00Z', description: 'Before this time (exclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/** A name in each language the product speaks (most names are the same in both). */
export class AuditEntityNameDto {
  @ApiProperty({ example: 'Mieten Nord' }) de: string;
  @ApiProperty({ example: 'Mieten Nord' }) en: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: '4711', description: 'In the order written' }) id: string;
  @ApiProperty() at: Date;
  @ApiProperty({ example: 'wave.launch' }) action: string;
  @ApiProperty({ example: 'wave' }) entityType: string;
  @ApiProperty({ type: String, nullable: true }) entityId: string | null;
  @ApiProperty({
    type: AuditEntityNameDto,
    nullable: true,
    description: 'The name of what it is about, where it has one and still exists; never a contact’s',
  })
  entityName: AuditEntityNameDto | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What changed (never a password, token or key)',
  })
  details: Record<string, unknown>;
  @ApiProperty({
    type: StaffRefDto,
    nullable: true,
    description: 'Who did it; null for the CLI and the system',
  })
  staffUser: StaffRefDto | null;
}
