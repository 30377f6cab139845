import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The bearer token and whether it was generated now (the CLI prints a new token once). */
export interface TokenResult {
  token: string;
  created: boolean;
}

/** File in the data dir holding the generated token (mode 0600). */
export const TOKEN_FILE = 'token';

/**
 * `WISP_TOKEN` wins; otherwise the token saved in the data dir; otherwise a new 256-bit token is
 * generated and saved there.
 */
export async function loadOrCreateToken(dataDir: string, fromEnv: string | undefined): Promise<TokenResult> {
  if (fromEnv) return { token: fromEnv, created: false };
  const file = join(dataDir, TOKEN_FILE);
  try {
    const saved = (await readFile(file, 'utf8')).trim();
    if (saved) return { token: saved, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, created: true };
}
