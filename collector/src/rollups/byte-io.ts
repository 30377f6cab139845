import { releaseArray } from '../memory/release-array.js';

/** Little-endian writer into a growing buffer (snapshot encoding). */
export class ByteWriter {
  private buffer: Buffer;
  length = 0;

  /** `initialBytes`: room to start with (a snapshot chunk sizes it once instead of doubling up to it). */
  constructor(initialBytes = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  u32(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  f64(value: number): void {
    this.ensure(8);
    this.buffer.writeDoubleLE(value, this.length);
    this.length += 8;
  }

  bytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Length-prefixed UTF-8. */
  text(value: string): void {
    this.u32(Buffer.byteLength(value));
    this.ensure(Buffer.byteLength(value));
    this.length += this.buffer.write(value, this.length);
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** Frees the buffer at once (see releaseArray): the writer and its results are empty afterwards. */
  release(): void {
    releaseArray(this.buffer);
    this.length = 0;
  }

  private ensure(more: number): void {
    if (this.length + more <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + more));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }
}

/** Reader for `ByteWriter` output; throws RangeError past the end (a truncated file). */
export class ByteReader {
  offset = 0;

  constructor(private readonly buffer: Buffer) {}

  u32(): number {
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  f64(): number {
    const value = this.buffer.readDoubleLE(this.offset);
    this.offset += 8;
    return value;
  }

  bytes(length: number): Buffer {
    if (this.offset + length > this.buffer.length) throw new RangeError('snapshot truncated');
    const out = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  text(): string {
    return this.bytes(this.u32()).toString('utf8');
  }
}
