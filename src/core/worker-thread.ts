/**
 * Starting a worker thread so that its end cannot abort the process.
 *
 * Node 20 tears a worker's V8 isolate down by unregistering it from the platform and only then
 * disposing of it. A TurboFan compile still running on a background thread in that window may
 * ask the platform for the isolate's task runner (to start incremental marking when its
 * allocation crosses the limit), and the process aborts: `Assertion failed: (data.first) !=
 * nullptr` in `NodePlatform::ForIsolate`. Newer Node dispose first (v8/node#208). It happened in
 * about one full test run in four, when `store --import` or `run` closed its parse workers.
 *
 * An isolate decides at its creation whether it compiles on background threads
 * (`--concurrent-recompilation`), so the flag is turned off here before the first worker starts:
 * workers then compile on their own thread and have no compile job left running when they end,
 * while the main thread, created before, keeps compiling in the background. It costs nothing
 * measurable: `logpipe run` to all queryable, 6 alternated pairs, medians: the real-shaped corpus
 * in 5.87 s and 8.86 s CPU against 6.01 s and 9.26 s with background compiles, the synthetic
 * 1M lines in 3.15 s against 3.11 s.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';

let flagged = false;

/** `new Worker(url, options)`, in an isolate that compiles on its own thread. */
export function startWorkerThread(url: URL, options: WorkerOptions): Worker {
  if (!flagged) {
    setFlagsFromString('--no-concurrent-recompilation');
    flagged = true;
  }
  return new Worker(url, options);
}
