/**
 * The one error type handlers throw for a client-visible failure: the error handler turns it into
 * `status {"error": code, "detail": detail}` (plus `headers`, e.g. Retry-After).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'HttpError';
  }

  /** The same error with more response headers. */
  withHeaders(headers: Record<string, string>): HttpError {
    return new HttpError(this.status, this.code, this.detail, { ...this.headers, ...headers });
  }
}
