import xxhash from 'xxhash-wasm';
import { describe, expect, it } from 'vitest';
import { loadHashCore } from '../../../sdk/src/pipeline/load-hash-core.js';
import { loadJsHashCore } from '../../../sdk/src/pipeline/hash-core-js.js';
import { loadWasmHashCore } from '../../../sdk/src/pipeline/hash-core-wasm.js';

// The SDK's own cores (xxh64 only; the wasm one is build/core.wasm cut down by scripts/embed-wasm.mjs)
// must fingerprint exactly as an independent XXH64 does, or dedupe would collapse different events.
const inputs = [
  '',
  'a',
  '["pageview","https://shop.example/a","",null,null]',
  'é日本語🙂 mixed UTF-8',
  'x'.repeat(31),
  'x'.repeat(32),
  'y'.repeat(1_000),
  // Bigger than the module's initial memory: the wasm core grows it and re-creates its view.
  'z'.repeat(200_000),
  'z'.repeat(30_000) + '日本'.repeat(20_000),
];

describe('SDK hash cores', async () => {
  const reference = await xxhash();
  const cores = { wasm: await loadWasmHashCore(), js: await loadJsHashCore() };

  it.each(Object.entries(cores))('%s xxh64 matches xxhash-wasm', (_, core) => {
    for (const input of inputs) expect(core.xxh64(input), input.slice(0, 40)).toBe(reference.h64(input));
  });

  it('loads the wasm core where WebAssembly is allowed', async () => {
    expect((await loadHashCore()).wasm).toBe(true);
  });
});
