/**
 * Shapes shared inside the parser component: what a format parser returns for one line and the
 * context it may read. Format parsers are plain functions; they never throw and return null when
 * a line is not theirs.
 */
import type { Fields, Level } from '../core/events.js';
import type { Zone } from './timestamps/index.js';

/** One line as understood by a format parser, before the RawEvent's identity is attached. */
export interface Parsed {
  /** The format id that matched (a parser may report a variant, e.g. apache_common). */
  format: string;
  /**
   * Event time in µs UTC, or NaN when the line carries none (the read time is used then). A time
   * the line carries outside the range logpipe keeps (even Infinity) is returned as read: the
   * event gets the read time and the flag `ts_out_of_range` (see event.ts).
   */
  ts: number;
  level: Level;
  message: string;
  service: string | null;
  host: string | null;
  fields: Fields;
}

/** What a parser may need besides the line: the zone for zone-less stamps, a reference time. */
export interface ParseContext {
  /** Zone applied to timestamps without an offset. */
  zone: Zone;
  /** When the line was read, epoch ms: the fallback time and the anchor for year inference. */
  refMs: number;
}

/** A format parser: the line's parts, or null when the line is not in this format. */
export type LineParser = (line: string, ctx: ParseContext) => Parsed | null;

/** A built-in or user-defined format. */
export interface FormatDef {
  id: string;
  parse: LineParser;
  /**
   * Cheap test run before `parse` during auto-detection; `first` is the char code of the line's
   * first non-space character (0 for a blank line).
   */
  probe: (line: string, first: number) => boolean;
  /**
   * For the access formats: the ids they report for a line with referrer and user agent and for
   * one without (a store may read such lines itself, see core/storage.ts AccessPlan).
   */
  access?: { combined: string; common: string };
}
