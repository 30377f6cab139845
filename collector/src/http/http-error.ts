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
}
