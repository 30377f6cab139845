import { Gauge, type Registry } from 'prom-client';

/** What the gauges read, at every scrape. */
export interface BufferState {
  readonly bufferedBytes: number;
  readonly maxBufferBytes: number;
}

/**
 * `/metrics` gauges of the ClickHouse store's local buffer: bytes acknowledged but not yet inserted
 * (grows while ClickHouse is down or slow) and the bound at which ingest answers 503 store_full
 * (`WISP_CLICKHOUSE_BUFFER_MB`). Alert on their ratio.
 */
export function registerBufferMetrics(registry: Registry, buffer: BufferState): void {
  new Gauge({
    name: 'wisp_clickhouse_buffer_bytes',
    help: 'Bytes in the local journal waiting to be inserted into ClickHouse',
    registers: [registry],
    collect() {
      this.set(buffer.bufferedBytes);
    },
  });
  new Gauge({
    name: 'wisp_clickhouse_buffer_limit_bytes',
    help: 'Bound of the local journal (WISP_CLICKHOUSE_BUFFER_MB); appends beyond it get 503 store_full',
    registers: [registry],
    collect() {
      this.set(buffer.maxBufferBytes);
    },
  });
}
