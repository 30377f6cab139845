export { DAY_MS, HOUR_MS, MINUTE_MS, WINDOW_SIZES_MS, windowStart, type WindowSizeMs } from './window-sizes.js';
export { QuantileSketch } from './quantile-sketch.js';
export { DistinctSet } from './distinct-set.js';
export { addEvent, addSession, aggregateOf, emptyAggregate, mergeInto, type Aggregate, type Counts } from './aggregate.js';
export { coverRange, type RangeCover, type TimeRange, type WindowRef } from './cover-range.js';
export { Rollups, type RangeQuery, type RollupsOptions } from './rollups.js';
export { chooseInterval, MAX_SERIES_BUCKETS, seriesBuckets, type SeriesBucket, type SeriesInterval } from './series-buckets.js';
export { isValidTimeZone, nextZonedDay, startOfZonedDay, startOfZonedHour, zoneOffsetMs } from './zoned-time.js';
export { toStats, type StatsBody, type StatsRow } from './to-stats.js';
