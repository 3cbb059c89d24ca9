import createClient from 'openapi-fetch';
import type { paths } from './schema';

/** The typed client: paths, parameters and bodies come from the service's own OpenAPI document. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });

/** An answer of the API that is not a success, with the API's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The API's message from an error body (one shape for every error), or the status line. */
function messageOf(body: unknown, response: Response): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return `${response.status} ${response.statusText}`;
}

/** Unwraps an openapi-fetch answer: its data, or an ApiError with the API's message. */
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined || data === null)
    throw new ApiError(response.status, messageOf(error, response));
  return data;
}

/** An answer without a body (204): nothing, or an ApiError with the API's message. */
export async function done(call: Promise<{ error?: unknown; response: Response }>): Promise<void> {
  const { error, response } = await call;
  if (!response.ok) throw new ApiError(response.status, messageOf(error, response));
}
