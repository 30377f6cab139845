/**
 * Visitor hashes as two uint32 halves instead of strings: the collector's visitors are 64-bit
 * SipHash values written as `bigint.toString(16)` (lowercase, no leading zeros), which round-trip
 * exactly. Other strings (tests' `v1`) are not canonical and are kept as text by the caller.
 */
export const parsedVisitor = { hi: 0, lo: 0 };

let lastText: string | undefined;
let lastOk = false;
let lastHi = 0;
let lastLo = 0;

/** Sets `parsedVisitor` from a canonical 64-bit hex string and returns true; false for anything else. */
export function parseVisitorHex(text: string): boolean {
  // A request's events share one visitor string: parse it once.
  if (text !== lastText) {
    lastText = text;
    lastOk = parse(text);
  }
  parsedVisitor.hi = lastHi;
  parsedVisitor.lo = lastLo;
  return lastOk;
}

function parse(text: string): boolean {
  const length = text.length;
  if (length === 0 || length > 16 || (length > 1 && text.charCodeAt(0) === 48)) return false;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (digit < 0) return false;
    hi = ((hi << 4) | (lo >>> 28)) >>> 0;
    lo = ((lo << 4) | digit) >>> 0;
  }
  lastHi = hi;
  lastLo = lo;
  return true;
}

/** The canonical hex string of (hi, lo). */
export function visitorHex(hi: number, lo: number): string {
  return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
}
