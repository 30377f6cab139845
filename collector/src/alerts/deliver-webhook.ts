export interface DeliveryOptions {
  /** Sent as `Idempotency-Key` so receivers can drop a repeat we could not rule out. */
  key: string;
  /** Total tries. Default 6. */
  attempts?: number;
  /** Delay before retry n (1-based) is baseDelayMs * 2^(n-1), capped at maxDelayMs. Defaults 1 s, 60 s. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-attempt timeout. Default 10 s. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  /** Last HTTP status or error message. */
  last: string;
}

/**
 * POSTs `body` as JSON, retrying network errors, timeouts, 408, 429 and 5xx with exponential
 * backoff; other 4xx answers are final (retrying cannot fix them).
 */
export async function deliverWebhook(url: string, body: unknown, options: DeliveryOptions): Promise<DeliveryResult> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(Math.min(max, base * 2 ** (attempt - 2)));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': options.key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      last = String(res.status);
      if (res.ok) return { ok: true, attempts: attempt, last };
      if (res.status < 500 && res.status !== 408 && res.status !== 429) return { ok: false, attempts: attempt, last };
    } catch (error) {
      last = (error as Error).message;
    }
  }
  return { ok: false, attempts, last };
}
