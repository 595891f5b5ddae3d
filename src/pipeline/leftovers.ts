/**
 * What a previous `logpipe up` of a data dir left running, found before a new one starts
 * anything. `<data-dir>/up.json` names the last supervisor and its components' pids; a pid
 * counts as a leftover only while it is alive and its environment carries this data dir's mark
 * (orphan-watch.ts), so a pid the system has since given to another process is never touched.
 *
 * - The supervisor still running: refused, naming its pid (two supervisors would fight over
 *   the store).
 * - Components left by a supervisor that is gone (killed -9; its children stop on their own
 *   within ORPHAN_EXIT_MS, but may not have yet, or predate that watch): stopped with one line
 *   saying so, SIGTERM (and SIGCONT, for one paused) then SIGKILL after `STOP_LEFTOVERS_MS`.
 * - A live pid that cannot be checked (no /proc here, or another user's process): refused,
 *   naming it, rather than signalled on a guess.
 * - A storage process that announces itself in the data dir (`logpipe run`, `logpipe store
 *   --serve`): refused, naming it; it holds the store's lock.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { findServer } from '../server/discovery.js';
import { UP_DATA_DIR_ENV } from './orphan-watch.js';

/** How long leftovers get to stop after SIGTERM before SIGKILL. */
export const STOP_LEFTOVERS_MS = 10_000;

export interface Leftover {
  name: string;
  pid: number;
  /** It watches its supervisor (orphan-watch.ts): running, it stops by itself. */
  watches?: boolean;
}

/** What up.json records, as far as this module reads it. */
interface UpState {
  pid?: number;
  components?: { name?: string; pid?: number | null }[];
}

/**
 * Stops the components a previous `logpipe up` of `dataDir` left running, or throws a
 * UserError naming what it will not stop (a running supervisor, pids it cannot check).
 */
export async function stopLeftovers(dir: string, log: Logger): Promise<void> {
  const dataDir = resolve(dir);
  await stopUpLeftovers(dataDir, log);
  // Not a leftover of logpipe up, but it holds the store all the same: a logpipe run or store.
  const owner = await findServer(dataDir);
  if (owner && owner.pid !== process.pid) {
    throw new UserError(
      `the store in ${dataDir} is owned by pid ${owner.pid}, serving ${owner.url} (logpipe run or store); stop it first`,
    );
  }
}

async function stopUpLeftovers(dataDir: string, log: Logger): Promise<void> {
  const state = readUpState(dataDir);
  if (state === null) return;
  const sup = state.pid;
  if (typeof sup === 'number' && sup !== process.pid && isLogpipeUp(sup)) {
    throw new UserError(
      `logpipe up is already running for ${dataDir} (pid ${sup}); stop it first (Ctrl-C where it runs, or kill ${sup})`,
    );
  }
  const ours: Leftover[] = [];
  const unsure: Leftover[] = [];
  for (const c of state.components ?? []) {
    if (typeof c.pid !== 'number' || c.pid === process.pid || !alive(c.pid)) continue;
    const it = { name: String(c.name ?? 'component'), pid: c.pid };
    const env = environOf(c.pid);
    if (env === undefined) unsure.push(it);
    else if (env.get(UP_DATA_DIR_ENV) === dataDir) ours.push({ ...it, watches: env.has('NODE_CHANNEL_FD') });
  }
  if (unsure.length > 0) {
    throw new UserError(
      `${list(unsure)} named in ${join(dataDir, 'up.json')} still run, and cannot be checked to be logpipe's; stop them if they are, or remove up.json if they are not`,
    );
  }
  if (ours.length === 0) return;
  log.warn(
    `a previous logpipe up (pid ${sup ?? '?'}, gone) left ${list(ours)} running; stopping them in reverse order (SIGKILL for any still running after ${STOP_LEFTOVERS_MS / 1000} s)`,
  );
  const began = Date.now();
  // A paused process handles no signal but SIGKILL: all run again first, and those that watch
  // for their supervisor then stop by themselves (a SIGTERM on top would cut their stop short).
  // The rest stop in reverse order of start, as up stops its own: producers first, so what they
  // have in flight reaches a store that runs.
  for (const l of ours) signal(l.pid, 'SIGCONT');
  for (const l of [...ours].reverse()) {
    if (!l.watches) signal(l.pid, 'SIGTERM');
    await waitGone([l], dataDir, began + STOP_LEFTOVERS_MS - Date.now());
  }
  const left = await waitGone(ours, dataDir, 0);
  for (const l of left) signal(l.pid, 'SIGKILL');
  const stuck = await waitGone(left, dataDir, 5000);
  if (stuck.length > 0) throw new UserError(`${list(stuck)} did not end even after SIGKILL`);
  log.info(
    `stopped ${ours.length} leftover component(s) in ${((Date.now() - began) / 1000).toFixed(1)} s${left.length > 0 ? ` (${list(left)} killed)` : ''}`,
  );
}

/** The leftovers of `items` still running after up to `ms`. */
async function waitGone(items: Leftover[], dataDir: string, ms: number): Promise<Leftover[]> {
  const deadline = Date.now() + ms;
  let left = items;
  for (;;) {
    left = left.filter((l) => alive(l.pid) && environOf(l.pid)?.get(UP_DATA_DIR_ENV) === dataDir);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function readUpState(dataDir: string): UpState | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'up.json'), 'utf8')) as UpState;
  } catch {
    return null;
  }
}

/** "store (pid 12), parser (pid 13)". */
function list(items: Leftover[]): string {
  return items.map((l) => `${l.name} (pid ${l.pid})`).join(', ');
}

/** Whether a process with this pid exists (and is not a zombie waiting for its parent). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * The environment `pid` started with: empty when it is gone, undefined when it cannot be read
 * (no /proc here, another user's process).
 */
function environOf(pid: number): Map<string, string> | undefined {
  let env: string;
  try {
    env = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && existsProc() ? new Map() : undefined;
  }
  const vars = new Map<string, string>();
  for (const kv of env.split('\0')) {
    const eq = kv.indexOf('=');
    if (eq > 0) vars.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return vars;
}

/** Whether `pid` runs `logpipe up` (its command line), as far as /proc tells. */
function isLogpipeUp(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.some((a) => /main\.js$|logpipe$/.test(a)) && args.includes('up');
  } catch {
    // No /proc to read: a live pid is taken at its word.
    return !existsProc();
  }
}

function existsProc(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone meanwhile
  }
}
