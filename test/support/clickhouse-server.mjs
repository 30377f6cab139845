// A throwaway ClickHouse server on loopback for tests and benches: config, data and logs live in one
// temp dir, no system service, no root-only path, HTTP only. Plain ESM so `bench/*.bench.mjs` can use
// it too; the types are in clickhouse-server.d.mts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env.CLICKHOUSE_SERVER_PATH ?? 'clickhouse-server';
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** True when a `clickhouse-server` binary can be run (Debian: `apt-get install clickhouse-server`). */
export function clickHouseInstalled() {
  const probe = spawnSync('sh', ['-c', `command -v ${BINARY}`], { stdio: 'ignore' });
  return probe.status === 0;
}

/** Starts a server in a fresh temp dir; resolves once `SELECT 1` answers over HTTP. */
export async function startClickHouse() {
  const dir = mkdtempSync(join(tmpdir(), 'wisp-clickhouse-'));
  const port = await freePort();
  writeConfig(dir, port);
  const url = `http://127.0.0.1:${port}`;
  let child = await launch(dir, url);
  const version = await sql(url, 'SELECT version()');
  return {
    url,
    port,
    dir,
    version,
    /** Stops the process (SIGTERM), keeping the data so `start()` can bring it back. */
    async stop() {
      if (child) await terminate(child);
      child = undefined;
    },
    /** Kills the process without a clean shutdown (SIGKILL), keeping the data. */
    async kill() {
      if (child) await terminate(child, 'SIGKILL');
      child = undefined;
    },
    /** (Re)starts on the same port with the same data. */
    async start() {
      if (!child) child = await launch(dir, url);
    },
    /** Stops the server and deletes its temp dir. */
    async dispose() {
      if (child) await terminate(child);
      child = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs one statement over HTTP and returns the trimmed text answer (throws on a non-200). */
export async function sql(url, query) {
  const response = await fetch(`${url}/?query=${encodeURIComponent(query)}`, { method: 'POST' });
  const text = await response.text();
  if (!response.ok) throw new Error(`ClickHouse ${response.status}: ${text.trim()}`);
  return text.trim();
}

function writeConfig(dir, port) {
  const config = `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/log/server.log</log>
    <errorlog>${dir}/log/server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${port}</http_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>0</uncompressed_cache_size>
  <max_concurrent_queries>32</max_concurrent_queries>
  <mlock_executable>false</mlock_executable>
  <shutdown_wait_unfinished>1</shutdown_wait_unfinished>
  <keep_alive_timeout>1</keep_alive_timeout>
</yandex>
`;
  // Small memory limits: this machine is shared, test datasets are small.
  const users = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage><max_threads>2</max_threads></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
  writeFileSync(join(dir, 'config.xml'), config);
  writeFileSync(join(dir, 'users.xml'), users);
}

async function launch(dir, url) {
  const child = spawn(BINARY, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // A server must not outlive the test or bench process that started it, even when that one crashes.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const early = await Promise.race([exited, delay(50).then(() => undefined)]);
    if (early) throw new Error(`clickhouse-server exited (${early.code ?? early.signal}) in ${dir}: ${stderr}`);
    if (await answers(url)) return child;
  }
  await terminate(child, 'SIGKILL');
  throw new Error(`clickhouse-server did not answer within ${READY_TIMEOUT_MS} ms (logs in ${dir}/log)`);
}

async function answers(url) {
  try {
    return (await sql(url, 'SELECT 1')) === '1';
  } catch {
    return false;
  }
}

function terminate(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
