/**
 * Elects one sender among the tabs of a site with Web Locks: the lock is held until `release()`
 * or until the worker dies with its page, then the next waiting tab takes over. Without Web Locks
 * every tab sends (delivery stays at-least-once; the collector dedups ids).
 */
export function acquireLeadership(site: string, onLeader: () => void) {
  let leader = false;
  let release: () => void = () => {};
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) {
    leader = true;
    queueMicrotask(onLeader);
  } else {
    const held = new Promise<void>((resolve) => (release = resolve));
    locks
      .request(`wisp-sender:${site}`, () => {
        leader = true;
        onLeader();
        return held;
      })
      .catch(() => {});
  }
  return {
    get isLeader() {
      return leader;
    },
    release: () => {
      leader = false;
      release();
    },
  };
}
