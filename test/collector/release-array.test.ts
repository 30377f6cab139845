import { describe, expect, it } from 'vitest';
import { releaseArray } from '../../collector/src/memory/release-array.js';

const MB = 1024 * 1024;

/** Allocates short-lived objects until `done()` or 5 s (young-generation GCs run meanwhile). */
async function churnUntil(done: () => boolean): Promise<void> {
  const until = Date.now() + 5_000;
  while (!done() && Date.now() < until) {
    let junk: object[] = [];
    for (let i = 0; i < 200_000; i++) junk.push({ i });
    junk = [];
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('releaseArray', () => {
  it('frees a dropped table before any full GC, leaving the old view empty', async () => {
    const tables = Array.from({ length: 8 }, () => new Uint32Array((8 * MB) / 4).fill(7));
    const before = process.memoryUsage().arrayBuffers;
    for (const table of tables) releaseArray(table);
    expect(tables.every((table) => table.length === 0)).toBe(true);
    await churnUntil(() => process.memoryUsage().arrayBuffers < before - 48 * MB);
    expect(before - process.memoryUsage().arrayBuffers).toBeGreaterThan(48 * MB);
  });

  it('leaves small arrays and views of a shared buffer alone', () => {
    const small = new Uint32Array(1024).fill(1);
    const shared = new Uint32Array(MB);
    const view = shared.subarray(16, 1024);
    releaseArray(small);
    releaseArray(view);
    expect(small.length).toBe(1024);
    expect(view.length).toBe(1008);
    expect(shared.length).toBe(MB);
  });
});
