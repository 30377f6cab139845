import { HttpError } from '../../http/http-error.js';

/**
 * Thrown by the ClickHouse store when its local buffer is full (ClickHouse down or too slow for too
 * long): the error handler answers `503 {"error": "store_full"}` with `Retry-After`, and SDKs keep the
 * events and retry later.
 */
export class StoreFullError extends HttpError {
  constructor(bufferedBytes: number, maxBytes: number) {
    super(503, 'store_full', `the ClickHouse buffer is full (${bufferedBytes} of ${maxBytes} bytes waiting); retry later`, {
      'retry-after': '30',
    });
    this.name = 'StoreFullError';
  }
}
