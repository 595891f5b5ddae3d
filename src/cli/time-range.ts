/** The time range of `logpipe query`: `--since` or `--from`, and `--to`, read once, in order. */
import { UsageError } from '../core/errors.js';
import { formatMicros } from '../core/time.js';
import { timeFlag } from './common.js';

export interface TimeRangeFlags {
  since?: string;
  from?: string;
  to?: string;
}

/**
 * The range the flags name, in epoch µs. A start after the end (`--from 1h --to 2h`, read as
 * "from an hour ago to two hours ago") is the range between them, swapped, with a note on
 * `note`: an empty result that only says nothing matched would hide the slip.
 */
export function timeRange(
  flags: TimeRangeFlags,
  nowMs: number,
  note: (line: string) => void,
): { fromUs?: number; toUs?: number } {
  if (flags.since && flags.from) throw new UsageError('give --since or --from, not both');
  const startFlag = flags.from ? 'from' : 'since';
  const start = flags.from ?? flags.since;
  let fromUs = start ? timeFlag(startFlag, start, nowMs) : undefined;
  let toUs = flags.to ? timeFlag('to', flags.to, nowMs) : undefined;
  if (fromUs !== undefined && toUs !== undefined && fromUs > toUs) {
    [fromUs, toUs] = [toUs, fromUs];
    note(
      `--${startFlag} is after --to; searching between them, from ${formatMicros(fromUs)} to ${formatMicros(toUs)}`,
    );
  }
  return { fromUs, toUs };
}
