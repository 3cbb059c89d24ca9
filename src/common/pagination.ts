import type { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  perPage = 50;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
}

const pages = new Map<Class, Class<Page<unknown>>>();

/**
 * The schema of one page of `item`s, for the API description: `@ApiOkResponse({ type: PageDto(ContactDto) })`.
 * One class per item type (named after it, e.g. ContactPageDto), so the document holds each page schema once.
 */
export function PageDto<T>(item: Class<T>): Class<Page<T>> {
  const known = pages.get(item);
  if (known) return known as Class<Page<T>>;
  class PageOf implements Page<T> {
    @ApiProperty({ type: [item] }) items: T[];
    @ApiProperty({ type: 'integer', minimum: 0, description: 'All items matching, on every page together' })
    total: number;
    @ApiProperty({ type: 'integer', minimum: 1 }) page: number;
    @ApiProperty({ type: 'integer', minimum: 1 }) perPage: number;
  }
  Object.defineProperty(PageOf, 'name', { value: `${item.name.replace(/Dto$/, '')}PageDto` });
  pages.set(item, PageOf);
  return PageOf;
}
