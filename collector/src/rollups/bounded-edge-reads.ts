import type { StreamEvent } from '../sessions/types.js';
import type { RawEventReader } from './store-edge-loader.js';

type Span = { from: number; to: number };

/** A raw edge would hold more events than the request may: answer the whole range from SQL instead. */
export class EdgeTooLargeError extends Error {
  constructor(readonly events: number, readonly maxEvents: number) {
    super(`a raw stats edge needs ${events} events (at most ${maxEvents} are held per request)`);
  }
}

/**
 * The store's edge reads, refused above `maxEvents` rows. An edge read from the store is held as
 * objects (~300 bytes an event, ~900 with the session pass), so an edge inside a very busy minute
 * (a site over ~3,000 events/s, past what RecentEvents holds) once took 9 s and 1.8 GB per request.
 * The count runs inside the store first; over the bound, the request is answered by the store's SQL
 * (exact, bounded by DuckDB's memory limit, slower).
 */
export function boundedEdgeReads(
  reader: Required<RawEventReader> & { countEventsOfEdgeVisitors(site: string, edge: Span, read: Span): Promise<number> },
  maxEvents: number,
): RawEventReader {
  return {
    eventsInRange: reader.eventsInRange, // storeEdgeLoader reads through eventsOfEdgeVisitors when it exists
    async eventsOfEdgeVisitors(site: string, edge: Span, read: Span): Promise<StreamEvent[]> {
      const count = await reader.countEventsOfEdgeVisitors(site, edge, read);
      if (count > maxEvents) throw new EdgeTooLargeError(count, maxEvents);
      return reader.eventsOfEdgeVisitors(site, edge, read);
    },
  };
}
