import xxhash from 'xxhash-wasm';
import { expect, test } from './harness.js';

// The worker's wasm core is embedded as one char per byte (scripts/embed-wasm.mjs): this proves the
// built chunk, served by the collector and decoded by Chromium, is the module itself (a corrupted
// one would fail to compile and silently fall back to the JS core), and that both browser cores
// fingerprint as an independent XXH64 does.
const inputs = ['', '["pageview","https://shop.example/a","",null,null]', 'é日本語🙂', 'z'.repeat(100_000)];

test('the built wasm and JS hash cores load in Chromium and agree with XXH64', async ({ stack }) => {
  stack.setPage({ noScript: true });
  const context = await stack.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.pageOrigin}/hash`);
  const hashes = await page.evaluate(
    async ({ sdk, inputs }) => {
      type Load = () => Promise<{ xxh64(text: string): bigint }>;
      const { loadWasmHashCore } = (await import(`${sdk}/sdk/wisp-hash-core-wasm.js`)) as { loadWasmHashCore: Load };
      const { loadJsHashCore } = (await import(`${sdk}/sdk/wisp-hash-core-js.js`)) as { loadJsHashCore: Load };
      const [wasm, js] = await Promise.all([loadWasmHashCore(), loadJsHashCore()]);
      return { wasm: inputs.map((text) => String(wasm.xxh64(text))), js: inputs.map((text) => String(js.xxh64(text))) };
    },
    { sdk: stack.sdkOrigin, inputs },
  );
  const reference = await xxhash();
  const expected = inputs.map((text) => String(reference.h64(text)));
  expect(hashes).toEqual({ wasm: expected, js: expected });
});
