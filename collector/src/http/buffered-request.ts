import { bytesStream } from './bytes-stream.js';

/**
 * A `Request` whose body the Node adapter has already read into memory. undici wraps a body in a
 * web stream that costs ~80 us to create and read back (measured here: half of an ingest request's
 * own cost at 50 events), so the bytes are kept as they are and handed out by the body readers.
 * Unlike a stream body, the body can be read more than once (`bodyUsed` stays false).
 */
export class BufferedRequest extends Request {
  readonly #bytes: Uint8Array<ArrayBuffer>;

  constructor(url: URL, init: { method: string; headers: Headers }, bytes: Uint8Array<ArrayBuffer>) {
    super(url, init);
    this.#bytes = bytes;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return bytesStream(this.#bytes);
  }

  override get bodyUsed(): boolean {
    return false;
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#bytes;
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  override async text(): Promise<string> {
    return new TextDecoder().decode(this.#bytes);
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async blob(): Promise<Blob> {
    return new Blob([this.#bytes], { type: this.headers.get('content-type') ?? '' });
  }

  override clone(): BufferedRequest {
    return new BufferedRequest(new URL(this.url), { method: this.method, headers: new Headers(this.headers) }, this.#bytes);
  }
}
