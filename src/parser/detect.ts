/**
 * Auto-detection per source. Each source sticks to the format that last won for it, which gets
 * the first try on every line; when it misses, the other formats whose cheap probe fits are tried
 * so the line is still understood, and after REPROBE_AFTER misses in a row the source switches
 * to the format that claimed the latest line.
 *
 * A source without a winner whose last SETTLE_AFTER lines no format claimed (a file only the
 * generic fallback reads: Windows CBS, PostgreSQL, HDFS...) is settled: its lines go to the
 * fallback without trying every format, except every REPROBE_EVERY-th line, which is tried
 * against all of them as before; the first line a format claims ends the settling (and that
 * format becomes the source's winner). Measured on the real-shaped corpus (bench
 * parser-real-shaped.ts), trying every format on each line of such a file cost two thirds of
 * its parse time (Windows CBS 206k lines/s against 622k with `generic` forced).
 */
import type { FormatDef, ParseContext, Parsed } from './types.js';

/** Consecutive misses of the current winner before a source switches format. */
export const REPROBE_AFTER = 3;
/** Consecutive lines of a source without a winner that no format claimed before it is settled. */
export const SETTLE_AFTER = 64;
/** A settled source still tries every format on one line in this many. */
export const REPROBE_EVERY = 16;
/** Sources remembered at most; past this the memory starts over (bounded state). */
const MAX_SOURCES = 10_000;

interface SourceState {
  winner: FormatDef | null;
  misses: number;
  /** Lines in a row no format claimed while there was no winner (counted up to SETTLE_AFTER). */
  unclaimed: number;
  /** Lines since a settled source last tried every format. */
  sinceProbe: number;
}

export interface Detector {
  /** Parses a line of `source`; null when no format claims it. */
  parse(source: string, line: string, ctx: ParseContext): Parsed | null;
  /** The format `source` currently sticks to, or null before any line was claimed. */
  current(source: string): string | null;
  /** The format `source` sticks to (tried first on its next line), or null. */
  winner(source: string): FormatDef | null;
  /** Counts a line of `source` as parsed by its winner, outside `parse` (a reader of its own). */
  hit(source: string): void;
}

/** Char code of the first non-blank character, 0 for a blank line. */
export function firstChar(line: string): number {
  const n = line.length;
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return c;
  }
  return 0;
}

/** A detector over `order` (tried in that order when a source has no winner or it missed). */
export function createDetector(order: readonly FormatDef[]): Detector {
  const states = new Map<string, SourceState>();
  let lastSource = '';
  let last: SourceState | null = null;

  function stateOf(source: string): SourceState {
    if (last !== null && source === lastSource) return last;
    let s = states.get(source);
    if (s === undefined) {
      if (states.size >= MAX_SOURCES) states.clear();
      s = { winner: null, misses: 0, unclaimed: 0, sinceProbe: 0 };
      states.set(source, s);
    }
    lastSource = source;
    last = s;
    return s;
  }

  function parse(source: string, line: string, ctx: ParseContext): Parsed | null {
    const st = stateOf(source);
    const w = st.winner;
    if (w !== null) {
      const r = w.parse(line, ctx);
      if (r !== null) {
        st.misses = 0;
        return r;
      }
    }
    if (w === null && st.unclaimed >= SETTLE_AFTER) {
      if (++st.sinceProbe < REPROBE_EVERY) return null;
      st.sinceProbe = 0;
    }
    const first = firstChar(line);
    for (let i = 0; i < order.length; i++) {
      const f = order[i];
      if (f === w || !f.probe(line, first)) continue;
      const r = f.parse(line, ctx);
      if (r === null) continue;
      if (w === null) {
        st.winner = f;
        st.unclaimed = 0;
        st.sinceProbe = 0;
      } else if (++st.misses >= REPROBE_AFTER) {
        st.winner = f;
        st.misses = 0;
      }
      return r;
    }
    if (w !== null) st.misses++;
    else if (st.unclaimed < SETTLE_AFTER) st.unclaimed++;
    return null;
  }

  function known(source: string): SourceState | undefined {
    return last !== null && source === lastSource ? last : states.get(source);
  }

  return {
    parse,
    current: (source) => states.get(source)?.winner?.id ?? null,
    winner: (source) => known(source)?.winner ?? null,
    hit(source) {
      const st = known(source);
      if (st !== undefined) st.misses = 0;
    },
  };
}
