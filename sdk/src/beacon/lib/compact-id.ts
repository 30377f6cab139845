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

/** Appends the 9 bytes of a compact id (4 characters = 24 bits = 3 bytes, big-endian). */
export function writeCompactId(out: number[], id: string): void {
  for (let i = 0; i < 12; i += 4) {
    let n = 0;
    for (let j = i; j < i + 4; j++) n = n * 64 + ALPHABET.indexOf(id[j]!);
    out.push(n >> 16, (n >> 8) & 255, n & 255);
  }
}

export function readCompactId(bytes: Uint8Array, offset: number): string {
  let id = '';
  for (let i = offset; i < offset + COMPACT_ID_BYTES; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    id += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  return id;
}
