/**
 * Debian packages a test needs (docker-compose for the compose file's check): installed by the
 * test itself when missing, so `npm test` passes on a machine that has only Node, as `.ci/run`
 * does. It installs only as root with apt-get; anywhere else it says what to install.
 */
import { spawnSync } from 'node:child_process';

/** True when `command` runs from the PATH. */
function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Makes `command` available, installing Debian's `pkg` (without recommends) when it is missing. */
export function ensureCommand(command: string, pkg: string): void {
  if (onPath(command)) return;
  const root = process.getuid?.() === 0;
  if (!root || !onPath('apt-get')) {
    throw new Error(`${command} is not installed: install Debian's package (apt-get install ${pkg})`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => spawnSync('apt-get', args, { env, encoding: 'utf8' });
  const update = run(['update', '-qq']);
  const install = run(['install', '-y', '-qq', '--no-install-recommends', pkg]);
  if (install.status !== 0 || !onPath(command)) {
    throw new Error(
      `installing ${pkg} failed (apt-get exit ${install.status}): ${(install.stderr || update.stderr).trim()}`,
    );
  }
}
