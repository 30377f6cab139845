import { ApiError } from './api-error.js';
import type { Stats } from './stats-types.js';

export interface StatsQuery {
  site: string;
  from: number;
  to: number;
  filters: string;
  tz: string;
}

/** The exact `/api/stats` URL for a query (tests fetch the same URL to compare numbers). */
export function statsUrl(query: StatsQuery): string {
  const params = new URLSearchParams({
    site: query.site,
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
  });
  if (query.filters) params.set('filters', query.filters);
  if (query.tz) params.set('tz', query.tz);
  return `/api/stats?${params}`;
}

/** GET /api/stats with the bearer token; every failure becomes an ApiError with a kind. */
export async function fetchStats(query: StatsQuery, token: string, signal?: AbortSignal): Promise<Stats> {
  let response: Response;
  try {
    response = await fetch(statsUrl(query), { headers: { authorization: `Bearer ${token}` }, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('down', 'The collector cannot be reached.');
  }
  if (response.status === 401 || response.status === 403) {
    throw new ApiError('unauthorized', 'The token was not accepted.');
  }
  if (!response.ok) {
    const detail = await response.json().then((b: { detail?: string; error?: string }) => b.detail ?? b.error, () => '');
    const kind = response.status >= 500 ? 'server' : 'bad-request';
    throw new ApiError(kind, `${response.status}${detail ? `: ${detail}` : ''}`);
  }
  return (await response.json()) as Stats;
}
