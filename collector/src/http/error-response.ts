import type { BufferedResponse } from './buffered-response.js';
import { HttpError } from './http-error.js';
import { jsonResponse } from './json-response.js';

/**
 * The one error handler: an HttpError becomes its 4xx/5xx body with its headers (CORS only when
 * the route added it: ingest errors are readable cross-origin, stats errors are not); anything else is a bug or a store
 * failure and becomes a 500 without internals (reported to `onUnexpected`, which must not log
 * request data).
 */
export function errorResponse(error: unknown, onUnexpected: (error: unknown) => void): BufferedResponse {
  if (error instanceof HttpError) {
    return jsonResponse({ error: error.code, detail: error.detail }, error.status, error.headers);
  }
  onUnexpected(error);
  return jsonResponse({ error: 'internal', detail: 'internal error' }, 500);
}
