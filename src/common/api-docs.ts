import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** One field the global ValidationPipe refused, with the reason. */
export class FieldErrorDto {
  @ApiProperty({ example: 'perPage' }) field: string;
  @ApiProperty({ example: 'perPage must not be greater than 500' }) message: string;
}

/**
 * Every error answer of the JSON API, as the global exception filter (errors.ts) sends it. Errors the services
 * raise carry one of our codes; errors the framework raises before a handler runs (a missing token, a role check,
 * a malformed id, an unknown route) carry the HTTP reason phrase instead.
 */
export class ErrorDto {
  @ApiProperty({ type: 'integer', example: 404, description: 'The HTTP status, repeated' })
  statusCode: number;

  @ApiProperty({
    example: 'not_found',
    description:
      'not_found, invalid_credentials, forbidden, conflict, invalid_input, bad_request or internal; for errors ' +
      'raised by the framework, the reason phrase (e.g. Unauthorized, Forbidden, Bad Request, Not Found)',
  })
  error: string;

  @ApiProperty({ example: 'No wave with this id', description: 'What went wrong, in words' })
  message: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'More about it, e.g. { problems: [...] } listing every problem of a definition at once',
  })
  details?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'For 422: each field refused, with the reason' })
  fields?: FieldErrorDto[];
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 422;

const MEANING: Record<ErrorStatus, string> = {
  400: 'The request cannot be carried out as given (a malformed id, or a problem the message names)',
  401: 'No valid bearer token',
  403: 'The token’s role may not do this',
  404: 'Nothing with this id or key',
  409: 'It conflicts with the current state (e.g. a wave that is no longer a draft)',
  422: 'Invalid input: `fields` lists each field refused',
};

/**
 * The error answers an operation (or every operation of a controller) can give, each with the one error shape:
 * `@ApiErrors(404, 409)`, or with a description of its own, `@ApiErrors({ 400: 'Unknown features' }, 404)`.
 */
export function ApiErrors(...errors: (ErrorStatus | Partial<Record<ErrorStatus, string>>)[]) {
  const described = new Map<ErrorStatus, string>();
  for (const e of errors) {
    if (typeof e === 'number') described.set(e, MEANING[e]);
    else for (const [status, text] of Object.entries(e)) described.set(Number(status) as ErrorStatus, text);
  }
  return applyDecorators(
    ...[...described].map(([status, description]) => ApiResponse({ status, description, type: ErrorDto })),
  );
}

/** An answer that is an HTML page (the supporters' own pages). */
export function ApiHtmlResponse(status: number, description: string) {
  return ApiResponse({ status, description, content: { 'text/html': { schema: { type: 'string' } } } });
}

/** A region as lists name it. */
export class RegionRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '74' }) code: string;
  @ApiProperty({ example: 'Leipzig I' }) name: string;
}

/** A staff user as lists name them (who did something, who created something). */
export class StaffRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Maria Berger' }) name: string;
}
