import { ApiError } from '../api/client';

/** The words an error is told in. */
export interface ErrorWords {
  apiSaid: string;
  error: string;
}

/** An error as one line for an alert: the API's own message with its status, or what went wrong otherwise. */
export const errorText = (e: unknown, t: ErrorWords): string =>
  e instanceof ApiError
    ? `${t.apiSaid} ${e.status}: ${e.message}`
    : `${t.error}: ${e instanceof Error ? e.message : String(e)}`;
