import { encodeBeacon } from '../beacon/encode-beacon.js';
import type { WireBatch } from '../beacon/wire-event.js';

/** Below this, gzip's 18-byte frame costs more than it saves. */
const GZIP_MIN_BYTES = 256;

/** The encode stage: binary beacon, gzipped with CompressionStream when that is smaller. */
export async function encodeBody(batch: WireBatch): Promise<Uint8Array> {
  const bytes = encodeBeacon(batch);
  if (bytes.length < GZIP_MIN_BYTES || typeof CompressionStream === 'undefined') return bytes;
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  const gzipped = new Uint8Array(await new Response(stream).arrayBuffer());
  return gzipped.length < bytes.length ? gzipped : bytes;
}
