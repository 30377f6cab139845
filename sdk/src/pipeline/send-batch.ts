/** `ok`: delete from the queue; `drop`: the collector refused it for good; `retry`: keep it. */
export type SendOutcome = 'ok' | 'drop' | 'retry';

export type FetchLike = (url: string, init: RequestInit) => Promise<{ status: number }>;

/**
 * The send stage. `text/plain` keeps the request CORS-simple (no preflight), credentials are
 * never sent. Network errors, 408, 429 and 5xx are transient; other 4xx mean the batch can never
 * succeed (see TEAM.md), so it is dropped and counted rather than retried forever.
 */
export async function sendBatch(endpoint: string, body: Uint8Array, fetchFn: FetchLike = fetch): Promise<SendOutcome> {
  let status: number;
  try {
    ({ status } = await fetchFn(endpoint, {
      method: 'POST',
      body: body as BodyInit,
      headers: { 'Content-Type': 'text/plain' },
      credentials: 'omit',
    }));
  } catch {
    return 'retry';
  }
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'drop';
  return 'retry';
}
