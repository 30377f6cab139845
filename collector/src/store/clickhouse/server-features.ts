/** What the connected ClickHouse can do; Wisp sticks to the 18.16 subset unless a flag says otherwise. */
export interface ServerFeatures {
  /** `SELECT version()`, e.g. `18.16.1`. */
  version: string;
  /** `LowCardinality(String)` columns without an experimental setting (19.x and later). */
  lowCardinality: boolean;
}

/** Derives the feature flags from a version string (`major.minor.patch[.build]`). */
export function featuresOf(version: string): ServerFeatures {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  return { version, lowCardinality: Number.isFinite(major) && major >= 19 };
}
