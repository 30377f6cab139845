import type { SessionSnapshot, StreamEvent } from '../sessions/types.js';
import type { Aggregate } from './aggregate.js';
import type { EdgeLoader } from './range-stats.js';
import type { Rollups } from './rollups.js';
import { HOUR_MS, windowStart } from './window-sizes.js';

type EdgeMaterial = Awaited<ReturnType<EdgeLoader>>;

export interface LayeredEdgeSources {
  rollups: Rollups;
  /** The edge from memory when memory holds it exactly (recent events, open sessions), else null. */
  memory?: (site: string, from: number, to: number) => EdgeMaterial | null;
  /** The store (`storeEdgeLoader`). */
  store: EdgeLoader;
  /** Whole hours of raw material kept. Default 8. */
  maxCachedHours?: number;
  /**
   * Hours with more events than this are never loaded whole (only the piece an edge needs): an
   * hour's material is held as objects, ~300 bytes an event. Default 100,000 (~30 MB).
   */
  maxHourEvents?: number;
}

/**
 * Raw edges, cheapest exact source first, one hour at a time: memory; then, inside a usable hour
 * window, nothing when the window is absent (no event and no session start in that hour) or the
 * hour's whole material (events in it, sessions starting in it) loaded once from the store and
 * reused while the window's version is unchanged (every event and session change landing in the
 * hour bumps it); else the store for just that piece.
 */
export function layeredEdgeLoader(sources: LayeredEdgeSources): EdgeLoader {
  const cache = new Map<string, { window: Aggregate; version: number; material: Promise<EdgeMaterial> }>();
  const maxEntries = sources.maxCachedHours ?? 8;
  const maxHourEvents = sources.maxHourEvents ?? 100_000;
  const hourMaterial = (site: string, hour: number, window: Aggregate): Promise<EdgeMaterial> => {
    const key = `${site}\u0000${hour}`;
    const hit = cache.get(key);
    if (hit && hit.window === window && hit.version === window.version) {
      cache.delete(key); // most recently used last
      cache.set(key, hit);
      return hit.material;
    }
    const material = sources.store(site, hour, hour + HOUR_MS);
    cache.delete(key);
    cache.set(key, { window, version: window.version, material });
    material.catch(() => cache.delete(key));
    for (const oldKey of cache.keys()) {
      if (cache.size <= maxEntries) break;
      cache.delete(oldKey);
    }
    return material;
  };
  return async (site, from, to) => {
    const whole = sources.memory?.(site, from, to);
    if (whole) return whole;
    const events: StreamEvent[] = [];
    const sessions: SessionSnapshot[] = [];
    const hourFloor = sources.rollups.floors()[HOUR_MS];
    for (let hour = windowStart(from, HOUR_MS); hour < to; hour += HOUR_MS) {
      const a = Math.max(from, hour);
      const b = Math.min(to, hour + HOUR_MS);
      let part = sources.memory?.(site, a, b) ?? null;
      if (!part && hour >= hourFloor) {
        const window = sources.rollups.window(site, HOUR_MS, hour);
        if (!window) continue;
        if (eventCount(window) <= maxHourEvents) part = await hourMaterial(site, hour, window);
      }
      part ??= await sources.store(site, a, b);
      for (const event of part.events) if (event.ts >= a && event.ts < b) events.push(event);
      for (const session of part.sessions) if (session.start >= a && session.start < b) sessions.push(session);
    }
    return { events, sessions };
  };
}

/** Events a window holds (vitals are counted by their sketches). */
function eventCount(window: Aggregate): number {
  let vitals = 0;
  for (const sketch of window.vitals.values()) vitals += sketch.count;
  return window.pageviews + window.events + window.errors + vitals;
}

/** One load per distinct edge within a request (totals and series buckets share edges). */
export function memoizeEdgeLoader(load: EdgeLoader): EdgeLoader {
  const loaded = new Map<string, ReturnType<EdgeLoader>>();
  return (site, from, to) => {
    const key = `${site}\u0000${from}\u0000${to}`;
    let result = loaded.get(key);
    if (!result) loaded.set(key, (result = load(site, from, to)));
    return result;
  };
}
