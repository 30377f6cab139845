import { HttpError } from '../../http/http-error.js';

/** Stats cannot be answered while ClickHouse is unreachable (ingest still works, into the buffer). */
export class StoreUnavailableError extends HttpError {
  constructor(cause: unknown) {
    super(503, 'store_unavailable', 'ClickHouse is not reachable; events are buffered locally, retry later', {
      'retry-after': '5',
    });
    this.name = 'StoreUnavailableError';
    this.cause = cause;
  }
}
