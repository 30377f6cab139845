/**
 * Unsigned LEB128 over JS numbers (not bigint): 7 bits per byte, high bit = more bytes follow.
 * Arithmetic instead of bitwise ops because epoch-ms values exceed 32 bits; at most 8 bytes
 * (56 bits) covers every safe integer.
 */
export const MAX_VARINT_BYTES = 8;

export function varintLength(value: number): number {
  let length = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

/** Writes `value` (a safe non-negative integer) at `offset`; returns the offset after it. */
export function writeVarint(out: Uint8Array, offset: number, value: number): number {
  while (value >= 128) {
    out[offset++] = (value % 128) | 128;
    value = Math.floor(value / 128);
  }
  out[offset++] = value;
  return offset;
}

/** Zigzag maps signed to unsigned so small negative deltas stay short: 0,-1,1,-2 -> 0,1,2,3. */
export function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}
