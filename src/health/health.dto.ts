import { ApiProperty } from '@nestjs/swagger';

export class DatabaseUpDto {
  @ApiProperty({ enum: ['up'] }) status: 'up';
  @ApiProperty({ type: 'integer', description: 'How long the check query took' }) latencyMs: number;
  @ApiProperty({ type: 'integer', description: 'Migrations applied' }) migrations: number;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ type: DatabaseUpDto }) database: DatabaseUpDto;
}

export class DatabaseDownDto {
  @ApiProperty({ enum: ['down'] }) status: 'down';
  @ApiProperty({ description: "The database driver's message" }) error: string;
}

/** Not the error shape of the API: monitors read the same two fields in both answers. */
export class HealthDownDto {
  @ApiProperty({ enum: ['error'] }) status: 'error';
  @ApiProperty({ type: DatabaseDownDto }) database: DatabaseDownDto;
}
