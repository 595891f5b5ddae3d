/**
 * The syslog daemons the forwarding tests run: Debian's rsyslog (with omrelp) and syslog-ng.
 * The two packages conflict, so rsyslog is not installed but unpacked (dpkg-deb -x, as
 * ../shared/peers/install.sh does) into a directory of the tests' own, from .debs fetched with
 * `apt-get download` when missing; its libraries come from Debian as usual. syslog-ng is
 * installed (syslog-ng-core, ensureCommand). Nothing but Debian's repositories is reached, and
 * only as root; anywhere else the error says what to install. Daemons run in the foreground,
 * are stopped by their PID, and stopAll() (for afterAll) kills any left running.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCommand } from './system-package.js';

/** Where rsyslog is unpacked, shared by test runs (the .debs are fetched once). */
export const RSYSLOG_DIR = join(tmpdir(), 'logpipe-test-rsyslog');

/** Libraries the unpacked rsyslog, omrelp and librelp load from the system. */
const RSYSLOG_LIBS = ['libestr0', 'libfastjson4', 'liblognorm5', 'libgnutls30', 'libssl3', 'libzstd1'];
const RSYSLOG_DEBS = ['rsyslog', 'rsyslog-relp', 'librelp0'];

export interface Rsyslog {
  rsyslogd: string;
  /** Its modules (`-M`). */
  modules: string;
  /** For LD_LIBRARY_PATH: where the unpacked librelp is. */
  libDir: string;
  /** Versions of the unpacked packages, e.g. `rsyslog 8.2302.0-1+deb12u2`. */
  versions: string[];
}

/** rsyslogd with omrelp, unpacked from Debian's packages (fetched when missing, as root). */
export function ensureRsyslog(): Rsyslog {
  const root = join(RSYSLOG_DIR, 'root');
  const found = unpacked(root);
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get') || !onPath('dpkg-deb')) {
    throw new Error(
      `rsyslog with omrelp is not unpacked in ${root}: as root the tests fetch Debian's ${RSYSLOG_DEBS.join(', ')} ` +
        `with apt-get download and unpack them there (dpkg-deb -x); or install rsyslog, rsyslog-relp and librelp0 yourself and unpack their .debs there`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[], cwd?: string) => spawnSync('apt-get', args, { env, cwd, encoding: 'utf8' });
  const missing = RSYSLOG_LIBS.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
  const debs = join(RSYSLOG_DIR, 'debs');
  mkdirSync(debs, { recursive: true });
  let fetch = apt(['download', ...RSYSLOG_DEBS], debs);
  if (fetch.status !== 0 || missing.length > 0) {
    apt(['update', '-qq']);
    if (fetch.status !== 0) fetch = apt(['download', ...RSYSLOG_DEBS], debs);
  }
  if (fetch.status !== 0)
    throw new Error(`apt-get download ${RSYSLOG_DEBS.join(' ')} failed: ${fetch.stderr.trim()}`);
  if (missing.length > 0) {
    const install = apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
    if (install.status !== 0) {
      throw new Error(
        `installing ${missing.join(' ')} failed (apt-get exit ${install.status}): ${install.stderr.trim()}`,
      );
    }
  }
  for (const name of RSYSLOG_DEBS) {
    const deb = readdirSync(debs).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download left no ${name}_*.deb in ${debs}`);
    const x = spawnSync('dpkg-deb', ['-x', join(debs, deb), root], { encoding: 'utf8' });
    if (x.status !== 0) throw new Error(`dpkg-deb -x ${deb} failed: ${x.stderr.trim()}`);
  }
  const done = unpacked(root);
  if (!done) throw new Error(`unpacking rsyslog into ${root} left no rsyslogd, omrelp.so or librelp.so.0`);
  return done;
}

function unpacked(root: string): Rsyslog | null {
  const rsyslogd = join(root, 'usr/sbin/rsyslogd');
  if (!existsSync(rsyslogd) || !existsSync(join(root, 'usr/lib'))) return null;
  const arch = readdirSync(join(root, 'usr/lib')).find((d) =>
    existsSync(join(root, 'usr/lib', d, 'rsyslog')),
  );
  if (arch === undefined) return null;
  const libDir = join(root, 'usr/lib', arch);
  const modules = join(libDir, 'rsyslog');
  if (!existsSync(join(modules, 'omrelp.so')) || !existsSync(join(libDir, 'librelp.so.0'))) return null;
  const debs = join(RSYSLOG_DIR, 'debs');
  const versions = existsSync(debs)
    ? readdirSync(debs)
        .filter((f) => f.endsWith('.deb'))
        .map((f) => f.replace(/_amd64\.deb$|_[a-z0-9]+\.deb$/, '').replace('_', ' '))
    : [];
  return { rsyslogd, modules, libDir, versions };
}

/** syslog-ng (Debian's syslog-ng-core), installed when missing. */
export function ensureSyslogNg(): string {
  ensureCommand('syslog-ng', 'syslog-ng-core');
  return 'syslog-ng';
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export interface Daemon {
  pid: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** What it wrote to stdout and stderr (a file), for failure messages. */
  output: () => string;
  /** SIGTERM, then SIGKILL after `ms`; resolves once it has exited. */
  stop: (ms?: number) => Promise<void>;
}

const daemons = new Set<Daemon>();

/** Starts a daemon in the foreground (its output to `logFile`); stopAll() ends it if a test does not. */
export function startDaemon(
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = {},
): Daemon {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
  if (child.pid === undefined) throw new Error(`${command} did not start`);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const d: Daemon = {
    pid: child.pid,
    child,
    exited,
    output: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    stop: async (ms = 5000) => {
      if (child.exitCode === null && child.signalCode === null) {
        kill(child.pid!, 'SIGTERM');
        const timer = setTimeout(() => kill(child.pid!, 'SIGKILL'), ms);
        await exited;
        clearTimeout(timer);
      }
      daemons.delete(d);
    },
  };
  daemons.add(d);
  return d;
}

/** Stops every daemon still running, by PID (for afterAll, also after a failure). */
export async function stopAll(): Promise<void> {
  await Promise.all([...daemons].map((d) => d.stop(2000)));
}

function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
