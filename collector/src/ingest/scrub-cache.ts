/**
 * A bounded cache in front of a scrubber (the SDK's costs microseconds a call, and real traffic
 * repeats a few paths and props) that never holds raw input: a text the scrubber leaves unchanged is
 * its own key (it is stored as it is anyway), any other is keyed by the XXH64 of the raw text.
 * Most texts are clean, and a string key needs no hash call.
 */
export function cachedScrubber(scrub: (raw: string) => string, xxh64: (text: string) => bigint, maxEntries = 10_000): (raw: string) => string {
  const unchanged = new Set<string>();
  const scrubbed = new Map<bigint, string>();
  return (raw) => {
    if (unchanged.has(raw)) return raw;
    const key = xxh64(raw);
    const hit = scrubbed.get(key);
    if (hit !== undefined) return hit;
    const clean = scrub(raw);
    if (clean === raw) {
      if (unchanged.size >= maxEntries) unchanged.delete(unchanged.values().next().value!);
      unchanged.add(raw);
    } else {
      if (scrubbed.size >= maxEntries) scrubbed.delete(scrubbed.keys().next().value!);
      scrubbed.set(key, clean);
    }
    return clean;
  };
}
