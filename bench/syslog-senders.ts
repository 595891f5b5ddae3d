/**
 * The senders of the syslog forwarding bench. Debian's rsyslog, unpacked rather than installed
 * (the tests' unpack in `$TMPDIR/logpipe-test-rsyslog/root`, which has omrelp, else the peers' in
 * `/tmp/logpipe-peers/rsyslog-root`, omfwd only; `LOGPIPE_RSYSLOG_ROOT` names another): one
 * rsyslogd run, imfile reading a file from its start and forwarding every line with one action.
 * Debian's syslog-ng (`syslog-ng-core`, installed), when on the PATH: its `file()` source and
 * `syslog()` destination over TCP, with flow control.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
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

export interface SenderRun {
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
export function startRsyslog(rs: Rsyslog, work: string, input: string, action: string): SenderRun {
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
  return startDaemon(
    rs.rsyslogd,
    ['-n', '-f', conf, '-i', join(work, 'rsyslogd.pid'), '-M', rs.modules],
    join(work, 'rsyslogd.log'),
    { LD_LIBRARY_PATH: rs.libDir },
  );
}

/** syslog-ng's version (`3.38`) when it is on the PATH, else null. */
export function syslogNgVersion(): string | null {
  const r = spawnSync('syslog-ng', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return /syslog-ng \d+ \((\d+\.\d+)/.exec(r.stdout)?.[1] ?? null;
}

/**
 * Starts syslog-ng in the foreground in `work`, reading `input` from its first line (no persist
 * state yet) and forwarding every line to `port` with its `syslog()` destination (RFC 5424,
 * octet-counted TCP). Flow control makes the file wait while the destination's queue is full,
 * so nothing is dropped.
 */
export function startSyslogNg(version: string, work: string, input: string, port: number): SenderRun {
  mkdirSync(work, { recursive: true });
  const conf = join(work, 'syslog-ng.conf');
  writeFileSync(
    conf,
    [
      `@version: ${version}`,
      'options { time-reopen(1); stats-freq(0); };',
      `source s_in { file("${input}" flags(no-parse) follow-freq(0.1) program-override("bench")); };`,
      `destination d_logpipe { syslog("127.0.0.1" port(${port}) transport("tcp")); };`,
      'log { source(s_in); destination(d_logpipe); flags(flow-control); };',
      '',
    ].join('\n'),
  );
  const args = ['-F', '-e', '-f', conf, '-R', join(work, 'persist'), '-p', join(work, 'pid')];
  return startDaemon('syslog-ng', [...args, '-c', join(work, 'ctl')], join(work, 'syslog-ng.log'));
}

function startDaemon(command: string, args: string[], log: string, env: NodeJS.ProcessEnv = {}): SenderRun {
  const out = openSync(log, 'a');
  const child = spawn(command, args, { stdio: ['ignore', out, out], env: { ...process.env, ...env } });
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
