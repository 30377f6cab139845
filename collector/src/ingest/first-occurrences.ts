/**
 * The events of one request that are neither `known` (stored, or in a group being written) nor
 * earlier in the same group (`seenInGroup` collects the group's keys), in order.
 */
export function firstOccurrences<T extends { idHash: bigint }>(
  known: (key: bigint) => boolean,
  events: readonly T[],
  seenInGroup: { has(key: bigint): boolean; add(key: bigint): unknown },
): T[] {
  return events.filter((event) => {
    if (seenInGroup.has(event.idHash) || known(event.idHash)) return false;
    seenInGroup.add(event.idHash);
    return true;
  });
}
