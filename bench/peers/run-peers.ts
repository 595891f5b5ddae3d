/**
 * Running the peers through their own scripts: rsyslog (imfile → mmnormalize → JSON lines) with
 * its peak resident memory sampled meanwhile, and lnav's three questions, each a fresh process.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { procStatusBytes } from '../pipeline-helpers.js';
import type { Peers } from './locate.js';
import {
  type LnavQuestion,
  lnavCount,
  lnavCountsBy,
  parseLnavTimes,
  parseRsyslogRun,
} from './peer-output.js';

/** Runs `bash script ...args` with `PEERS` set to `work`; resolves to its stdout, rejects on failure. */
function runScript(
  script: string,
  args: string[],
  work: string,
  timeoutMs: number,
  onSpawn?: () => void,
): Promise<string> {
  return new Promise((resolveOut, reject) => {
    const child = spawn('bash', [script, ...args], {
      env: { ...process.env, PEERS: work },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString('utf8')).slice(-2048)));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveOut(out);
      else
        reject(
          new Error(`${script} exited ${code ?? signal}: ${(out + err).trim().split('\n').at(-1) ?? ''}`),
        );
    });
    onSpawn?.();
  });
}

export interface RsyslogResult {
  lines: number;
  seconds: number;
  /** rsyslogd's VmHWM, in bytes (NaN if it could not be read). */
  peakBytes: number;
}

/** rsyslog/run.sh over `input`: seconds from rsyslogd's start until its output holds every line. */
export async function runRsyslog(
  peers: Peers,
  work: string,
  input: string,
  timeoutMs: number,
): Promise<RsyslogResult> {
  const pidFile = join(work, 'rsyslog-run', 'pid');
  let peak = Number.NaN;
  let timer: NodeJS.Timeout | undefined;
  const sample = () => {
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, 'utf8').trim());
    } catch {
      return; // not started yet
    }
    const bytes = procStatusBytes(pid, 'VmHWM');
    if (Number.isFinite(bytes)) peak = Number.isFinite(peak) ? Math.max(peak, bytes) : bytes;
  };
  try {
    // The script removes its run dir first, so a pid file left from an earlier run is gone by the
    // time the sampler could read it: sampling starts once the script has started.
    const out = await runScript(peers.rsyslogScript, [input], work, timeoutMs, () => {
      timer = setInterval(sample, 100);
    });
    const { lines, seconds } = parseRsyslogRun(out);
    return { lines, seconds, peakBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

export interface LnavResult {
  seconds: Map<LnavQuestion, number>;
  /** lnav's answers: the 5xx count, the count by status, the count of paths under /api/. */
  answers: { fiveXx: number; byStatus: Map<number, number>; api: number };
}

/** lnav.sh over `input`: each question in a fresh lnav process that loads the file. */
export async function runLnav(
  peers: Peers,
  work: string,
  input: string,
  timeoutMs: number,
): Promise<LnavResult> {
  const out = await runScript(peers.lnavScript, [input], work, timeoutMs);
  const seconds = parseLnavTimes(out);
  const answer = (q: LnavQuestion) => readFileSync(join(work, `lnav-${q}.out`), 'utf8');
  return {
    seconds,
    answers: {
      fiveXx: lnavCount(answer('5xx')),
      byStatus: lnavCountsBy(answer('status')),
      api: lnavCount(answer('api')),
    },
  };
}
