// The journal writes a segment into a pre-zeroed spare file when one is ready (a synced write that
// changes no metadata), and what is read back, sealed or recovered after a crash, is exactly what
// was appended: the zeros never reach a sealed segment.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Journal } from '../../collector/src/store/journal.js';
import { SPARE_NAME } from '../../collector/src/store/zeroed-spare.js';

const fullError = () => new Error('full');
const newDir = () => mkdtempSync(join(tmpdir(), 'wisp-journal-'));
const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => `{"n":${from + i},"pad":"${'x'.repeat(40)}"}\n`).join('');

test('a segment made from the spare is written in place and sealed to exactly what was appended', async () => {
  const dir = newDir();
  const journal = new Journal({ dir, maxBytes: 1 << 30, fullError });
  await journal.spareSettled();
  const spareBytes = statSync(join(dir, SPARE_NAME)).size;
  expect(spareBytes).toBeGreaterThan(0);
  await journal.append(records(0, 10));
  await journal.append(records(10, 10));
  const active = readdirSync(dir).find((name) => name.endsWith('.jsonl'))!;
  expect(statSync(join(dir, active)).size).toBe(spareBytes); // the zeros are still behind the records
  await journal.seal();
  expect(journal.sealed).toHaveLength(1);
  expect(readFileSync(journal.sealed[0]!.path, 'utf8')).toBe(records(0, 20));
  expect(journal.sealed[0]!.bytes).toBe(Buffer.byteLength(records(0, 20)));
  await journal.close();
  expect(existsSync(join(dir, SPARE_NAME))).toBe(false);
});

test('a segment that outgrows its spare goes on by extending the file', async () => {
  const dir = newDir();
  const journal = new Journal({ dir, maxBytes: 1 << 30, fullError });
  await journal.spareSettled();
  const spareBytes = statSync(join(dir, SPARE_NAME)).size;
  const big = records(0, Math.ceil((spareBytes * 2) / 60));
  await journal.append(records(-5, 5));
  await journal.append(big);
  await journal.seal();
  expect(readFileSync(journal.sealed[0]!.path, 'utf8')).toBe(records(-5, 5) + big);
  // The spare made when the next segment opens follows the last sealed segment's size.
  await journal.spareSettled();
  await journal.append(records(100, 1));
  await journal.spareSettled();
  expect(statSync(join(dir, SPARE_NAME)).size).toBeGreaterThanOrEqual(Buffer.byteLength(records(-5, 5) + big));
  await journal.close();
});

test('after a crash the zeros behind the last append are cut off at recovery, and the old spare is removed', async () => {
  const dir = newDir();
  const crashed = new Journal({ dir, maxBytes: 1 << 30, fullError });
  await crashed.spareSettled();
  await crashed.append(records(0, 7));
  await crashed.seal();
  await crashed.spareSettled();
  await crashed.append(records(7, 3)); // into a segment made from a spare, never sealed
  const active = join(dir, readdirSync(dir).filter((name) => name.endsWith('.jsonl')).sort().at(-1)!);
  expect(statSync(active).size).toBeGreaterThan(Buffer.byteLength(records(7, 3))); // zeros behind the records
  await crashed.spareSettled();
  expect(readdirSync(dir)).toContain(SPARE_NAME);
  // No close(): the process died here.
  const recovered = new Journal({ dir, maxBytes: 1 << 30, fullError });
  expect(recovered.sealed.map((segment) => readFileSync(segment.path, 'utf8'))).toEqual([records(0, 7), records(7, 3)]);
  expect(recovered.bytes).toBe(Buffer.byteLength(records(0, 10)));
  await recovered.append(records(10, 1));
  await recovered.seal();
  expect(readFileSync(recovered.sealed.at(-1)!.path, 'utf8')).toBe(records(10, 1));
  await recovered.close();
});

test('a spare removed behind the journal\'s back is reported and the segment is appended instead', async () => {
  const dir = newDir();
  const errors: unknown[] = [];
  const journal = new Journal({ dir, maxBytes: 1 << 30, fullError, onError: (error) => errors.push(error) });
  await journal.spareSettled();
  rmSync(join(dir, SPARE_NAME));
  await journal.append(records(0, 3));
  await journal.seal();
  expect(errors).toHaveLength(1);
  expect(readFileSync(journal.sealed[0]!.path, 'utf8')).toBe(records(0, 3));
  await journal.close();
});
