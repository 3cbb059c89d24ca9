import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  UnprocessableEntityException,
  type ExceptionFilter,
  type ValidationError,
} from '@nestjs/common';
import type { Response } from 'express';

export enum ErrorCode {
  NotFound = 'not_found',
  InvalidCredentials = 'invalid_credentials',
  Forbidden = 'forbidden',
  Conflict = 'conflict',
  InvalidInput = 'invalid_input',
  BadRequest = 'bad_request',
}

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.InvalidCredentials]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.InvalidInput]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.BadRequest]: HttpStatus.BAD_REQUEST,
};

/** Errors our services raise; turned into HTTP answers in one place. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A command line that cannot be run as given: the CLI prints the reason and its usage, and exits with 2. */
export class UsageError extends Error {}

/** Field-by-field 422 answers for the global ValidationPipe. */
export function validationFailure(errors: ValidationError[]): UnprocessableEntityException {
  const fields = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((message) => ({ field: e.property, message })),
  );
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'invalid_input',
    message: 'Invalid input',
    fields,
  });
}

@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof AppError) {
      response.status(STATUS[exception.code]).json({
        statusCode: STATUS[exception.code],
        error: exception.code,
        message: exception.message,
        ...(exception.details ? { details: exception.details } : {}),
      });
      return;
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      response
        .status(exception.getStatus())
        .json(typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body);
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    response.status(500).json({ statusCode: 500, error: 'internal', message: 'Internal server error' });
  }
}
