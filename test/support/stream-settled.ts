/** Resolves once the collector's late-event reconciliation queue is empty (`wisp_stream_queue_depth 0` twice in a row). */
export async function settled(baseUrl: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let zeros = 0;
  while (Date.now() < until) {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    zeros = /^wisp_stream_queue_depth 0$/m.test(text) ? zeros + 1 : 0;
    if (zeros >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('stream reconciliation did not settle');
}
