import { spawnSync } from 'node:child_process';

/**
 * Whether tests that need an external binary can run. Locally a missing binary skips them with a
 * printed reason; under CI (`CI` set) it throws, because .ci/run installs the tools and a silent
 * skip there would hide a broken setup.
 */
export function toolAvailable(tool: string, installed: boolean): boolean {
  if (installed) return true;
  const ci = process.env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false') {
    throw new Error(`${tool} is not installed but CI is set: .ci/run installs it (apt-get install ${tool}); refusing to skip its tests`);
  }
  console.warn(`skipping tests that need ${tool}: not installed (.ci/run installs it; CI fails instead of skipping)`);
  return false;
}

/** True when the `name` command is on PATH. */
export function commandOnPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** nginx for the scale-out test, with the same CI rule as `toolAvailable`. */
export function nginxInstalled(): boolean {
  return toolAvailable('nginx', commandOnPath('nginx'));
}
