/**
 * What the dashboard reads from the collector: the collector's own types (type-only imports, erased
 * from the bundle), so the two cannot drift apart. docs/dashboard.md lists the fields beyond the contract.
 */
import type { BreakdownRow, CountRow } from '../../src/stats/stats-types.js';

export type { SeriesPoint, Stats, Totals, VitalRow } from '../../src/stats/stats-types.js';
export type { LiveSnapshot } from '../../src/live/live-snapshot.js';

/** A row of any breakdown card: breakdowns carry pageviews (and visitors on pages), counts carry count. */
export type Row = Partial<Omit<BreakdownRow & CountRow, 'key' | 'props'>> & { key: string };

/** A custom event row with its most common property values. */
export type EventRow = CountRow;
