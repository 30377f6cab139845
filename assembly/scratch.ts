// The module never allocates: JS owns everything above the static data and grows memory itself.

/** First free, 16-byte aligned byte after the module's static data. */
export function scratchBase(): usize {
  return (__heap_base + 15) & ~15;
}
