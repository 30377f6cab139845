/**
 * Event ids made by the SDK are 12 base64url characters (72 random bits). The beacon stores such
 * ids as their 9 raw bytes; any other id string is stored verbatim.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const COMPACT_ID = /^[A-Za-z0-9_-]{12}$/;
export const COMPACT_ID_BYTES = 9;

export function isCompactId(id: string): boolean {
  return COMPACT_ID.test(id);
}

/** Packs 12 base64url characters (4 chars = 3 bytes) into `out` at `offset`. */
export function writeCompactId(out: Uint8Array, offset: number, id: string): number {
  for (let i = 0; i < 12; i += 4) {
    const n =
      (ALPHABET.indexOf(id[i]!) << 18) |
      (ALPHABET.indexOf(id[i + 1]!) << 12) |
      (ALPHABET.indexOf(id[i + 2]!) << 6) |
      ALPHABET.indexOf(id[i + 3]!);
    out[offset++] = n >> 16;
    out[offset++] = (n >> 8) & 255;
    out[offset++] = n & 255;
  }
  return offset;
}

export function readCompactId(bytes: Uint8Array, offset: number): string {
  let id = '';
  for (let i = offset; i < offset + COMPACT_ID_BYTES; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    id += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  return id;
}
