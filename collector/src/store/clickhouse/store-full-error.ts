/**
 * Thrown by the ClickHouse store when its local buffer is full (ClickHouse down or too slow for too long).
 * The HTTP layer answers it with `503` and `Retry-After`, so SDKs keep the events and retry later.
 */
export class StoreFullError extends Error {
  readonly status = 503;
  readonly code = 'store_full';
  readonly retryAfterSeconds = 30;

  constructor(bufferedBytes: number, maxBytes: number) {
    super(`the ClickHouse buffer is full (${bufferedBytes} of ${maxBytes} bytes waiting); retry later`);
    this.name = 'StoreFullError';
  }
}
