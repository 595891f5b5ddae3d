/**
 * Auto-detection per source. Each source sticks to the format that last won for it, which gets
 * the first try on every line; when it misses, the other formats whose cheap probe fits are tried
 * so the line is still understood, and after REPROBE_AFTER misses in a row the source switches
 * to the format that claimed the latest line.
 */
import type { FormatDef, ParseContext, Parsed } from './types.js';

/** Consecutive misses of the current winner before a source switches format. */
export const REPROBE_AFTER = 3;
/** Sources remembered at most; past this the memory starts over (bounded state). */
const MAX_SOURCES = 10_000;

interface SourceState {
  winner: FormatDef | null;
  misses: number;
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
      s = { winner: null, misses: 0 };
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
    const first = firstChar(line);
    for (let i = 0; i < order.length; i++) {
      const f = order[i];
      if (f === w || !f.probe(line, first)) continue;
      const r = f.parse(line, ctx);
      if (r === null) continue;
      if (w === null) {
        st.winner = f;
      } else if (++st.misses >= REPROBE_AFTER) {
        st.winner = f;
        st.misses = 0;
      }
      return r;
    }
    if (w !== null) st.misses++;
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
