import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';

const cli = fileURLToPath(new URL('../../collector/bin/wisp-collector.js', import.meta.url));
const READY = /^wisp-collector listening on (http:\/\/\S+)$/m;

export interface SpawnCollectorOptions {
  /** Extra environment (WISP_*); WISP_PORT defaults to 0, WISP_HOST to 127.0.0.1. */
  env?: Record<string, string>;
  /** Reuse a data dir (e.g. to restart on the same store); default: a new temp dir, removed when the test run ends. */
  dataDir?: string;
  /** CLI arguments, e.g. ['--demo']. */
  args?: string[];
  /** How long to wait for the ready line, ms (default 20 s). */
  timeoutMs?: number;
}

export interface CollectorProcess {
  url: string;
  token: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends a signal (default SIGKILL) and resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Graceful stop: SIGTERM, then wait for exit. */
  stop(): Promise<void>;
}

/** Runs the real CLI as a child process on a free port and a temp data dir; resolves when ready. */
export async function spawnCollector(options: SpawnCollectorOptions = {}): Promise<CollectorProcess> {
  const dataDir = options.dataDir ?? tempDir('wisp-collector-');
  const child = spawn(process.execPath, [cli, ...(options.args ?? [])], {
    env: { ...process.env, WISP_HOST: '127.0.0.1', WISP_PORT: '0', ...options.env, WISP_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector not ready after ${options.timeoutMs ?? 20_000} ms:\n${output}`)), options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = READY.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`collector exited (${code ?? signal}) before ready:\n${output}`));
    });
  });
  const token = options.env?.WISP_TOKEN ?? readFileSync(join(dataDir, 'token'), 'utf8').trim();
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, token, dataDir, process: child, output: () => output, kill, stop: () => kill('SIGTERM') };
}
