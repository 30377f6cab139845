import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMP_ROOT_ENV } from './temp-root.js';

/** A new directory under the test run's temp root (see temp-root.ts; the OS temp dir when run alone). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(process.env[TEMP_ROOT_ENV] ?? tmpdir(), prefix));
}
