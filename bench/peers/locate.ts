/**
 * Where the peers are: the data dir `../shared/peers/install.sh` fills (env LOGPIPE_PEERS, default
 * /tmp/logpipe-peers: the corpus and rsyslog unpacked) and the scripts that run them (env
 * LOGPIPE_PEERS_SCRIPTS, default `../shared/peers` beside this checkout). Each run gets a private
 * work dir, so two benches at once never share rsyslog's output or lnav's answers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Peers {
  /** The 1M-line Apache combined corpus. */
  corpus: string;
  /** `rsyslog/run.sh` and `lnav.sh`. */
  rsyslogScript: string;
  lnavScript: string;
  /** The installed data dir (read only here). */
  dir: string;
}

/** The install command to print when the peers are missing. */
export const INSTALL_HINT = 'sudo ../shared/peers/install.sh';

/** The peers if every part is in place, else why not. */
export function locatePeers(env: NodeJS.ProcessEnv = process.env): Peers | { missing: string } {
  const dir = env.LOGPIPE_PEERS || '/tmp/logpipe-peers';
  // dist/bench/peers → the checkout, then its sibling `shared/peers`.
  const scripts = env.LOGPIPE_PEERS_SCRIPTS || resolve(import.meta.dirname, '../../..', '../shared/peers');
  const peers: Peers = {
    corpus: join(dir, 'access.log'),
    rsyslogScript: join(scripts, 'rsyslog', 'run.sh'),
    lnavScript: join(scripts, 'lnav.sh'),
    dir,
  };
  for (const [what, path] of [
    ['corpus', peers.corpus],
    ['rsyslogd', join(dir, 'rsyslog-root', 'usr', 'sbin', 'rsyslogd')],
    ['rsyslog/run.sh', peers.rsyslogScript],
    ['lnav.sh', peers.lnavScript],
  ]) {
    if (!existsSync(path)) return { missing: `no ${what} at ${path}` };
  }
  try {
    execFileSync('lnav', ['-V'], { stdio: 'ignore' });
  } catch {
    return { missing: 'no lnav on PATH' };
  }
  return peers;
}

/**
 * A private `PEERS` dir for the scripts under `root`: rsyslog's root linked from the installed
 * one, the rest (rsyslog's output, lnav's home and answers) its own.
 */
export function privatePeersDir(peers: Peers, root: string): string {
  const work = join(root, 'peers');
  mkdirSync(work, { recursive: true });
  const link = join(work, 'rsyslog-root');
  if (!existsSync(link)) symlinkSync(join(peers.dir, 'rsyslog-root'), link);
  return work;
}
