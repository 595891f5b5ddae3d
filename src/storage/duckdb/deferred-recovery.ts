/**
 * Recovery work an open could not write (its disk full): the store opens without it, serving
 * what is on disk as it is, and the work is tried again by every compaction, which every
 * maintenance pass runs, until it succeeds. One warning when it is put off, one line when done;
 * the tries between are silent.
 */
import type { StoreState } from './state.js';

interface Deferred {
  /** What the work is, for the log: "compacting 3 segment file(s) left by the previous run". */
  what: string;
  /** Does the work; throws when it still cannot. */
  work: () => Promise<void>;
  running: Promise<void> | null;
}

const owed = new WeakMap<StoreState, Deferred[]>();

/** Records `work` as owed after it failed with `err` (worded for the log), and says so once. */
export function deferRecovery(s: StoreState, what: string, err: Error, work: () => Promise<void>): void {
  const list = owed.get(s) ?? [];
  list.push({ what, work, running: null });
  owed.set(s, list);
  s.opts.log?.warn(
    `${err.message.split('\n')[0]}; the store opens without it, serving those files as they are, and tries again at each maintenance pass`,
  );
}

/** Tries the owed work again (joining a try already running); failures wait for the next call. */
export async function retryDeferred(s: StoreState): Promise<void> {
  const list = owed.get(s);
  if (!list) return;
  for (const d of [...list]) {
    d.running ??= d.work().then(
      () => {
        list.splice(list.indexOf(d), 1);
        if (list.length === 0) owed.delete(s);
        s.opts.log?.info(`${d.what}: done, now that it could be written`);
      },
      () => {},
    );
    const running = d.running;
    await running.finally(() => {
      if (d.running === running) d.running = null;
    });
  }
}
