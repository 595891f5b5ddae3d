/**
 * The collector's public surface: the file tailer (FileCollector), the stdin, syslog and RELP inputs,
 * and helpers. Other folders import only from here.
 */
import type { RawEvent } from '../core/events.js';
import { FileCollector } from './file-collector.js';
import type { FileCollectorOptions } from './options.js';

export type { CheckpointEntry } from './checkpoint.js';
export { BINARY_INVALID_RATIO, binaryReason, isGzip, SNIFF_BYTES } from './content-sniff.js';
export { type CollectorStats, FileCollector } from './file-collector.js';
export { FINGERPRINT_BYTES, fingerprintOf } from './fingerprint.js';
export { mergeBatches } from './inputs/merge.js';
export { RelpInput, type RelpInputOptions, type RelpStats } from './inputs/relp.js';
export { type StdinInputOptions, stdinBatches } from './inputs/stdin.js';
export { SyslogInput, type SyslogInputOptions, type SyslogStats } from './inputs/syslog.js';
export { flushCarry, newScanState, scanLines } from './line-scanner.js';
export {
  compileMultiline,
  flushJoiner,
  type Joiner,
  joinLine,
  type MultilineOptions,
  newJoiner,
} from './multiline.js';
export type { CommittedPosition, FileCollectorOptions } from './options.js';

/**
 * Reads every matched file once to its current end, acknowledging each batch as it arrives,
 * writes the checkpoint and returns the events (for tests and one-off scripts).
 */
export async function collectOnce(opts: FileCollectorOptions): Promise<RawEvent[]> {
  const c = new FileCollector({ ...opts, once: true });
  const out: RawEvent[] = [];
  try {
    for await (const b of c.batches()) {
      for (const e of b.events) out.push(e);
      b.ack();
    }
  } finally {
    await c.close();
  }
  return out;
}
