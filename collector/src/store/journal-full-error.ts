import { HttpError } from '../http/http-error.js';

/**
 * An append refused because the journal holds too much that is not loaded yet (the store behind it
 * is down or far behind): `503 {"error": "store_full"}` with Retry-After, so senders keep the events.
 */
export function journalFullError(bufferedBytes: number, maxBytes: number): HttpError {
  return new HttpError(503, 'store_full', `the write journal is full (${bufferedBytes} of ${maxBytes} bytes waiting); retry later`, {
    'retry-after': '5',
  });
}
