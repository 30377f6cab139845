import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WASM_GZIP_BASE64 } from '../../../sdk/src/core/wasm-binary.generated.js';

// The module ships inside the SDK worker bundle, so its size is a budget, not an accident.
// Current size: ~2.1 KB (npm run build:core prints it).
const WASM_BUDGET_BYTES = 4096;

describe('core.wasm', () => {
  const bytes = readFileSync(new URL('../../../build/core.wasm', import.meta.url));

  it(`stays within ${WASM_BUDGET_BYTES} bytes`, () => {
    expect(bytes.length).toBeLessThanOrEqual(WASM_BUDGET_BYTES);
  });

  it('imports nothing, so it instantiates anywhere with an empty import object', () => {
    expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes))).toEqual([]);
  });

  it('is what the SDK embeds (run npm run build:core after changing assembly/)', () => {
    expect(gunzipSync(Buffer.from(WASM_GZIP_BASE64, 'base64')).equals(bytes)).toBe(true);
  });
});
