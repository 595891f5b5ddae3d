/**
 * Debian's rsyslog for the syslog forwarding bench, unpacked rather than installed (the tests'
 * unpack in `$TMPDIR/logpipe-test-rsyslog/root`, which has omrelp, else the peers' in
 * `/tmp/logpipe-peers/rsyslog-root`, omfwd only; `LOGPIPE_RSYSLOG_ROOT` names another), and one
 * rsyslogd run: imfile reading a file from its start and forwarding every line with one action.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Rsyslog {
  rsyslogd: string;
  /** Its modules (`-M`). */
  modules: string;
  /** For LD_LIBRARY_PATH (librelp, when unpacked beside it). */
  libDir: string;
  /** Whether omrelp is there. */
  relp: boolean;
}

/** Where the bench looks for an unpacked rsyslog, in order. */
function roots(env: NodeJS.ProcessEnv): string[] {
  if (env.LOGPIPE_RSYSLOG_ROOT) return [env.LOGPIPE_RSYSLOG_ROOT];
  return [
    join(tmpdir(), 'logpipe-test-rsyslog', 'root'),
    join(env.LOGPIPE_PEERS || '/tmp/logpipe-peers', 'rsyslog-root'),
  ];
}

/** An unpacked rsyslogd (the first with omrelp, else the first at all), or why there is none. */
export function locateRsyslog(env: NodeJS.ProcessEnv = process.env): Rsyslog | { missing: string } {
  const found: Rsyslog[] = [];
  for (const root of roots(env)) {
    const rsyslogd = join(root, 'usr/sbin/rsyslogd');
    const lib = join(root, 'usr/lib');
    if (!existsSync(rsyslogd) || !existsSync(lib)) continue;
    const arch = readdirSync(lib).find((d) => existsSync(join(lib, d, 'rsyslog', 'imfile.so')));
    if (arch === undefined) continue;
    const libDir = join(lib, arch);
    const modules = join(libDir, 'rsyslog');
    const relp = existsSync(join(modules, 'omrelp.so')) && existsSync(join(libDir, 'librelp.so.0'));
    found.push({ rsyslogd, modules, libDir, relp });
  }
  if (found.length === 0)
    return { missing: `no unpacked rsyslogd with imfile in ${roots(env).join(' or ')}` };
  return found.find((r) => r.relp) ?? found[0];
}

export interface RsyslogRun {
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts rsyslogd in the foreground in `work` (its own work directory, so imfile keeps no state
 * from an earlier run and reads `input` from its first line), forwarding with `action` (the
 * action's type and target, e.g. `type="omfwd" ...`) in RFC 5424 (RSYSLOG_SyslogProtocol23Format),
 * retrying for ever while the receiver is away.
 */
export function startRsyslog(rs: Rsyslog, work: string, input: string, action: string): RsyslogRun {
  mkdirSync(work, { recursive: true });
  const conf = join(work, 'rsyslog.conf');
  writeFileSync(
    conf,
    [
      `global(workDirectory="${work}")`,
      'module(load="imfile" mode="inotify")',
      ...(rs.relp ? ['module(load="omrelp")'] : []),
      `input(type="imfile" File="${input}" Tag="bench" freshStartTail="off" ruleset="fwd")`,
      `ruleset(name="fwd") { action(${action} template="RSYSLOG_SyslogProtocol23Format"`,
      '  action.resumeRetryCount="-1" action.resumeInterval="1") }',
      '',
    ].join('\n'),
  );
  const out = openSync(join(work, 'rsyslogd.log'), 'a');
  const child = spawn(rs.rsyslogd, ['-n', '-f', conf, '-i', join(work, 'rsyslogd.pid'), '-M', rs.modules], {
    stdio: ['ignore', out, out],
    env: { ...process.env, LD_LIBRARY_PATH: rs.libDir },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
