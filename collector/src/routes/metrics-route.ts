import type { Registry } from 'prom-client';
import type { Handler } from '../http/handler.js';

/** `GET /metrics`: Prometheus text format. */
export function metricsRoute(registry: Registry, beforeScrape: () => void | Promise<void>): Handler {
  return async () => {
    await beforeScrape();
    return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
  };
}
