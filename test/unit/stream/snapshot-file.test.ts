import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SnapshotFile } from '../../../collector/src/rollups/snapshot-file.js';

it('snapshot file: atomic replace, an older write never lands over a newer one, crash leftovers removed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wisp-snapshot-'));
  const path = join(dir, 'rollups.snapshot');
  writeFileSync(`${path}.123.4.tmp`, 'half a snapshot from a crash');
  const file = new SnapshotFile(path);
  expect(readdirSync(dir)).toEqual([]);
  expect(file.read()).toBeNull();
  const older = file.write(Buffer.from('older'));
  file.writeSync(Buffer.from('newer'));
  expect(await older).toBe(false);
  expect(readFileSync(path, 'utf8')).toBe('newer');
  expect(await file.write(Buffer.from('newest'))).toBe(true);
  expect(file.read()?.toString()).toBe('newest');
  expect(readdirSync(dir)).toEqual(['rollups.snapshot']);
});
