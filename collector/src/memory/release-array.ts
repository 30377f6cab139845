/**
 * Below this size an array's memory is left to the garbage collector: moving the backing store costs
 * ~3 us (measured here), more than building a small table.
 */
const RELEASE_MIN_BYTES = 16 * 1024;

/**
 * Frees a typed array that is about to be dropped (a table replaced by a grown or packed one) at the
 * next scavenge instead of the next full GC.
 *
 * Why: a long-lived table's ArrayBuffer object sits in V8's old space, and its backing store (outside
 * the JS heap) is only freed when a mark-compact finds the object dead. Under load that came ~20-30 s
 * later, so a collector that had grown its tables held their old copies too (10M events: external
 * memory 257 MB against ~171 MB of live tables, RSS 536 MB 10 s after the load, ~400 once collected).
 * Transferring the buffer moves the backing store to a fresh, young ArrayBuffer that nothing references;
 * the next scavenge (milliseconds under load) frees it, and the old object is left detached (empty).
 *
 * Call it only on an array its caller owns alone, viewing its whole buffer: every other view of that
 * buffer reads as empty afterwards. Arrays sharing a buffer (subarrays, packed runs) are left alone.
 */
export function releaseArray(array: ArrayBufferView): void {
  const buffer = array.buffer;
  if (!(buffer instanceof ArrayBuffer)) return;
  if (buffer.byteLength < RELEASE_MIN_BYTES || array.byteOffset !== 0 || array.byteLength !== buffer.byteLength) return;
  structuredClone(buffer, { transfer: [buffer] });
}
