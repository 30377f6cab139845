/**
 * Varints are unsigned LEB128 over JS numbers (not bigint): 7 bits per byte, high bit = more
 * bytes follow, at most 8 bytes (56 bits, every safe integer). Arithmetic, not bitwise ops,
 * because epoch-ms values exceed 32 bits.
 */
export const MAX_VARINT_BYTES = 8;

/** Zigzag maps signed to unsigned so small negative deltas stay short: 0,-1,1,-2 -> 0,1,2,3. */
export function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}
