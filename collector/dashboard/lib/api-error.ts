/** Why a request to the collector failed, in the terms the dashboard shows to a person. */
export type ApiErrorKind = 'unauthorized' | 'down' | 'bad-request' | 'server';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
  ) {
    super(message);
  }
}
