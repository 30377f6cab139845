import type { ServerFeatures } from './server-features.js';

/**
 * The ClickHouse schema, as idempotent statements every collector runs at start (several collectors
 * may start at once, so nothing here may fail when another one got there first).
 *
 * `events` mirrors the embedded store's table. Dedup must hold across retried inserts and across
 * collectors, and 18.16 has no insert deduplication for non-replicated tables, so the table is a
 * ReplacingMergeTree whose sorting key ends in the dedupe key: (site, day, id_hash). Background merges
 * collapse repeated rows, and every read uses FINAL so they are collapsed before the merge happens too.
 * `day` (UTC day of `ts`, written by the collector: 18.16 fills omitted JSON fields with zeros, not
 * with DEFAULT expressions) lets the primary index skip to a stats range; a retried row always has the
 * same day. Partitions are days: a closed day is merged into one part (compaction.ts), which stats then
 * read without FINAL (dedup-plan.ts). Tables created before that are partitioned by month: they work
 * the same, with only closed months read without FINAL.
 *
 * `rollups` holds per-hour counts and per-day session summaries of closed days, each row filed under the merged `events` part it
 * was computed from (rollup-fill.ts); stats read them instead of the raw rows (rollup-plan.ts). A
 * ReplacingMergeTree, so two collectors filling the same part at once leave one copy of each row (reads
 * use FINAL; the table is small). `kind` says what a row holds (RollupKind in rollup-fill.ts); a, b, c
 * are its keys, `n`/`n2` its counts (no visitor sets: distinct visitors are always counted from raw rows).
 *
 * `salts` holds the daily visitor salts shared by all collectors (see salt-sync.ts); one partition per
 * day so yesterday-but-one can be dropped for good.
 */
export function schemaStatements(database: string, features: ServerFeatures): string[] {
  const tag = features.lowCardinality ? 'LowCardinality(String)' : 'String';
  return [
    `CREATE DATABASE IF NOT EXISTS ${database}`,
    `CREATE TABLE IF NOT EXISTS ${database}.events (
      site String,
      day Date,
      id_hash UInt64,
      type ${tag},
      ts Int64,
      received_at Int64,
      visitor UInt64,
      path String,
      name Nullable(String),
      value Nullable(Float64),
      props String,
      source String,
      utm_source String,
      utm_medium String,
      utm_campaign String,
      country ${tag},
      browser ${tag},
      os ${tag},
      device ${tag}
    ) ENGINE = ReplacingMergeTree
    PARTITION BY day
    ORDER BY (site, day, id_hash)`,
    `CREATE TABLE IF NOT EXISTS ${database}.rollups (
      part String,
      site String,
      day Date,
      hour UInt8,
      kind UInt8,
      a String,
      b String,
      c String,
      value Float64,
      n UInt64,
      n2 UInt64
    ) ENGINE = ReplacingMergeTree
    PARTITION BY day
    ORDER BY (part, site, kind, day, hour, a, b, c, value)`,
    `CREATE TABLE IF NOT EXISTS ${database}.salts (
      day Date,
      salt String,
      created_at Int64
    ) ENGINE = ReplacingMergeTree
    PARTITION BY day
    ORDER BY (day, salt)`,
  ];
}
