/** SipHash keys are exactly 16 bytes; anything else is a programming error, not bad data. */
export function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 16) {
    throw new RangeError('wisp/core: siphash24 needs a 16-byte Uint8Array key');
  }
}
