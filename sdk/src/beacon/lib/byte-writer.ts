import { writeVarint } from './varint.js';

const utf8 = new TextEncoder();

/** A growable byte buffer with the few writes the beacon needs. */
export class ByteWriter {
  bytes = new Uint8Array(1024);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  varint(value: number): void {
    this.reserve(8);
    this.length = writeVarint(this.bytes, this.length, value);
  }

  /** Length-prefixed UTF-8. Returns the encoded byte length (for limit checks). */
  string(value: string): number {
    const encoded = utf8.encode(value);
    this.varint(encoded.length);
    this.raw(encoded);
    return encoded.length;
  }

  raw(chunk: Uint8Array): void {
    this.reserve(chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  float64(value: number): void {
    this.reserve(8);
    new DataView(this.bytes.buffer).setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** Room for `size` bytes written directly into `bytes` at the returned offset. */
  claim(size: number): number {
    this.reserve(size);
    const offset = this.length;
    this.length += size;
    return offset;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}
