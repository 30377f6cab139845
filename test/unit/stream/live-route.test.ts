import { expect, it } from 'vitest';
import { LiveHub, liveRoute, type LiveSnapshot } from '../../../collector/src/live/index.js';

const snapshot = (site: string): LiveSnapshot => ({ site, now: new Date(0).toISOString(), current: 0, minutes: [], topPages: [] });

it('checks the token (header or ?token=) and the site, then streams; cancelling the body detaches', async () => {
  const hub = new LiveHub({ snapshot });
  const route = liveRoute(hub, { token: 'secret', isValidSite: (s) => /^[a-z.]+$/.test(s) });
  const base = 'http://collector/api/live';

  const noToken = route(new Request(`${base}?site=a.com`));
  expect(noToken.status).toBe(401);
  expect(await noToken.json()).toMatchObject({ error: 'unauthorized' });
  expect(route(new Request(`${base}?site=a.com&token=wrong`)).status).toBe(401);
  expect(route(new Request(`${base}?site=A%0Aevil&token=secret`)).status).toBe(400);

  const viaHeader = route(new Request(`${base}?site=a.com`, { headers: { authorization: 'Bearer secret' } }));
  expect(viaHeader.status).toBe(200);
  const res = route(new Request(`${base}?site=a.com&token=secret`));
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  expect(first).toBe(`event: snapshot\ndata: ${JSON.stringify(snapshot('a.com'))}\n\n`);
  expect(hub.listenerCount).toBe(2);
  await reader.cancel();
  await viaHeader.body!.cancel();
  expect(hub.listenerCount).toBe(0);
});

it('detaches when the request is aborted', () => {
  const hub = new LiveHub({ snapshot });
  const controller = new AbortController();
  liveRoute(hub, { token: 't', isValidSite: () => true })(new Request('http://c/api/live?site=s&token=t', { signal: controller.signal }));
  expect(hub.listenerCount).toBe(1);
  controller.abort();
  expect(hub.listenerCount).toBe(0);
});
