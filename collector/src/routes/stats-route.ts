import { requireBearer } from '../http/bearer-token.js';
import type { Handler } from '../http/handler.js';
import { jsonResponse } from '../http/json-response.js';
import { parseStatsQuery } from '../stats/parse-stats-query.js';
import type { Stats, StatsQuery } from '../stats/stats-types.js';

/** `GET /api/stats?site=S&from=T&to=T` with the bearer token: the contract body from the store. */
export function statsRoute(token: string, stats: (query: StatsQuery) => Promise<Stats>): Handler {
  return async (request, context) => {
    requireBearer(request, token);
    const query = parseStatsQuery(new URL(request.url), context.receivedAt);
    return jsonResponse(await stats(query), 200, { 'cache-control': 'no-store' });
  };
}
