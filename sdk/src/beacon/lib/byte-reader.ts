import { BeaconError } from '../beacon-error.js';
import { MAX_VARINT_BYTES } from './varint.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bounds-checked reads over a beacon; every failure is a `BeaconError` naming where it happened. */
export class ByteReader {
  offset = 0;

  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(count: number, what: string): void {
    if (this.remaining < count) {
      throw new BeaconError('truncated', `${what} needs ${count} byte(s) at offset ${this.offset}, ${this.remaining} left`);
    }
  }

  byte(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  varint(what: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.byte(what);
      value += (b & 127) * scale;
      if (b < 128) {
        if (i > 0 && b === 0) throw new BeaconError('bad-varint', `${what}: overlong varint at offset ${this.offset - 1}`);
        if (value > Number.MAX_SAFE_INTEGER) throw new BeaconError('bad-varint', `${what}: varint above 2^53 - 1 at offset ${this.offset - 1}`);
        return value;
      }
      scale *= 128;
    }
    throw new BeaconError('bad-varint', `${what}: varint longer than ${MAX_VARINT_BYTES} bytes at offset ${this.offset}`);
  }

  /** A varint that must not exceed `max` (a count or an index). */
  bounded(what: string, max: number, code: 'limit' | 'bad-index' = 'limit'): number {
    const value = this.varint(what);
    if (value > max) throw new BeaconError(code, `${what} is ${value}, at most ${max} allowed`);
    return value;
  }

  take(count: number, what: string): Uint8Array {
    this.need(count, what);
    const chunk = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return chunk;
  }

  string(what: string, maxBytes: number): string {
    const length = this.bounded(`${what} length`, maxBytes);
    const chunk = this.take(length, what);
    try {
      return utf8.decode(chunk);
    } catch {
      throw new BeaconError('bad-utf8', `${what} is not valid UTF-8`);
    }
  }

  float64(what: string): number {
    const chunk = this.take(8, what);
    return new DataView(chunk.buffer, chunk.byteOffset, 8).getFloat64(0, true);
  }
}
