// Global setup for vitest and Playwright: every temp dir of a test run (collector data dirs, stores)
// goes under one folder that is removed when the run ends. Tests read data dirs after stopping a
// collector (privacy audits search every file), so they cannot delete them as they go, and worker
// processes are ended without running exit handlers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEMP_ROOT_ENV = 'WISP_TEST_TMP';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'wisp-run-'));
  process.env[TEMP_ROOT_ENV] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
