/** Why a beacon could not be encoded or decoded; `code` is stable, `message` is for humans. */
export type BeaconErrorCode =
  | 'truncated'
  | 'bad-magic'
  | 'bad-version'
  | 'bad-varint'
  | 'bad-index'
  | 'bad-type'
  | 'bad-utf8'
  | 'bad-value'
  | 'limit'
  | 'trailing-bytes';

/** The one error type of the beacon codec. */
export class BeaconError extends Error {
  readonly code: BeaconErrorCode;

  constructor(code: BeaconErrorCode, detail: string) {
    super(`beacon ${code}: ${detail}`);
    this.name = 'BeaconError';
    this.code = code;
  }
}
