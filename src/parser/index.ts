/**
 * The parser component's contract: turn RawEvents into LogEvents. A parser is created once (its
 * options checked then: format name, time zone, user patterns) and called with batches; it keeps
 * per-source detection state, so one source should go through one parser.
 */
import { inTimeRange } from '../core/civil-time.js';
import { ConfigError, UsageError } from '../core/errors.js';
import type { LogEvent, RawEvent } from '../core/events.js';
import type { PatternConfig } from '../core/parse-config.js';
import type { AccessPlan, RawParser } from '../core/storage.js';
import { createDetector } from './detect.js';
import { type EventDefaults, TS_SOURCE_FIELD, toLogEvent } from './event.js';
import { parseGeneric } from './formats/generic.js';
import { parseUnknown, unknown } from './formats/unknown.js';
import { compilePatterns } from './patterns.js';
import { AUTO_ORDER, FORMAT_IDS, findFormat } from './registry.js';
import { zoneFromName } from './timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from './types.js';

/** Every built-in format id a parser can be forced to (and report), including `unknown`. */
export const PARSER_FORMATS: readonly string[] = FORMAT_IDS;

export interface ParserOptions {
  /** A format id (built-in or a user pattern's name), or `auto` (the default) to detect per source. */
  format?: string;
  /** Service for events whose line and RawEvent name none. */
  service?: string | null;
  /** Host for events whose line and RawEvent name none. */
  host?: string | null;
  /** Zone for timestamps without an offset: `UTC` (default), `+02:00`, or an IANA name. */
  timezone?: string;
  /** User patterns (grok or regex), tried before the built-in formats when detecting. */
  patterns?: readonly PatternConfig[];
  /** Extra grok building blocks for the patterns. */
  grokPatterns?: Readonly<Record<string, string>>;
  /**
   * The time of a line without its own (flagged `ts_source`, see event.ts): `received`, the time
   * it was read (the default: right for lines tailed as they are written), or `previous`, the
   * time of the previous event of the same source that had its own, and the read time before
   * any (right for an import, where continuation lines follow the event they belong to).
   */
  missingTime?: 'received' | 'previous';
}

/** Events given their read time (`ts_source: "received"`), by format id, since the parser was made. */
export type ReadTimeCounts = Record<string, number>;

/**
 * Parses a batch; the result has one event per input, in order. Never throws on line content.
 * It also tells a store which lines it would read as access lines (see RawParser), and counts
 * the events it gave their read time (`readTime`, for the metrics; a reader may zero them).
 */
export type BatchParser = RawParser & { readonly readTime: ReadTimeCounts };

/** Sources whose previous time a `missingTime: previous` parser remembers at most (bounded state). */
const MAX_TIMED_SOURCES = 10_000;

/** A source's previous time: the last event with its own, or an access line not parsed yet. */
interface PreviousTime {
  us: number;
  /** The latest access line the store read itself (tookAccess), and the format that reads it. */
  accessLine: string;
  accessFormat: FormatDef | null;
}

/**
 * Creates a batch parser. An unknown format name is a UsageError listing the known ones; a bad
 * zone or pattern is a ConfigError naming it.
 */
export function createParser(opts: ParserOptions = {}): BatchParser {
  const zone = zoneFromName(opts.timezone ?? 'UTC');
  if (zone === null) {
    throw new ConfigError(
      'parse.timezone',
      `unknown time zone "${opts.timezone}": expected UTC, an offset such as +02:00, or an IANA name such as Europe/Berlin`,
    );
  }
  const user = compilePatterns(opts.patterns ?? [], opts.grokPatterns ?? {}, FORMAT_IDS);
  const byName = new Map<string, FormatDef>(user.map((f) => [f.id, f]));
  const lookup = (id: string): FormatDef | undefined => byName.get(id) ?? findFormat(id);
  let forced: FormatDef | null = null;
  const name = opts.format;
  if (name !== undefined && name !== '' && name !== 'auto') {
    const f = lookup(name);
    if (f === undefined) {
      const known = [...FORMAT_IDS, ...byName.keys()].join(', ');
      throw new UsageError(`unknown format "${name}": expected auto or one of ${known}`);
    }
    forced = f;
  }
  const defaults: EventDefaults = { service: opts.service ?? null, host: opts.host ?? null };
  const detector = createDetector([...user, ...AUTO_ORDER]);
  const ctx: ParseContext = { zone, refMs: 0 };
  const readTime: ReadTimeCounts = {};
  const inherit = opts.missingTime === 'previous';
  const previous = new Map<string, PreviousTime>();

  function previousOf(source: string): PreviousTime {
    let t = previous.get(source);
    if (t === undefined) {
      if (previous.size >= MAX_TIMED_SOURCES) previous.clear();
      t = { us: Number.NaN, accessLine: '', accessFormat: null };
      previous.set(source, t);
    }
    return t;
  }

  /**
   * The previous time of `t`'s source. An access line the store read itself is parsed for its
   * time only now, when a line needs it: the access path pays nothing for this.
   */
  function previousUs(t: PreviousTime): number {
    if (t.accessFormat !== null) {
      const p = t.accessFormat.parse(t.accessLine, ctx);
      if (p !== null && inTimeRange(p.ts)) t.us = p.ts;
      t.accessFormat = null;
      t.accessLine = '';
    }
    return t.us;
  }

  /** The format `e` is parsed with, when not detected. */
  function chosen(e: RawEvent): FormatDef | null {
    // A per-event hint names its format; an unknown hint falls back to the parser's own choice.
    if (e.format !== undefined && e.format !== 'auto') return lookup(e.format) ?? forced;
    return forced;
  }

  function parseOne(e: RawEvent): LogEvent {
    const line = typeof e.line === 'string' ? e.line : String(e.line);
    ctx.refMs = e.received_at;
    const f = chosen(e);
    let p: Parsed | null;
    try {
      p = f !== null ? f.parse(line, ctx) : detector.parse(e.source, line, ctx);
      if (p === null && f !== unknown) p = parseGeneric(line, ctx);
    } catch {
      // A parser bug must not lose the line.
      p = null;
    }
    const parsed = p ?? parseUnknown(line);
    const own = inTimeRange(parsed.ts);
    let prev = Number.NaN;
    if (inherit) {
      const t = previousOf(e.source);
      if (own) {
        t.us = parsed.ts;
        t.accessFormat = null;
        t.accessLine = '';
      } else prev = previousUs(t);
    }
    const ev = toLogEvent(e, parsed, defaults, prev);
    if (!own && ev.fields[TS_SOURCE_FIELD] === 'received')
      readTime[ev.format] = (readTime[ev.format] ?? 0) + 1;
    return ev;
  }

  const parse = Object.assign(
    (events: RawEvent[]) => {
      const out = new Array<LogEvent>(events.length);
      for (let i = 0; i < events.length; i++) out[i] = parseOne(events[i]);
      return out;
    },
    { readTime },
  ) as BatchParser;
  // One plan per access format, made when a line first asks for it.
  const plans = new Map<FormatDef, AccessPlan>();
  parse.accessPlan = (e) => {
    const f = chosen(e) ?? detector.winner(e.source);
    if (f === null || f.access === undefined) return null;
    let plan = plans.get(f);
    if (plan === undefined) {
      plan = { ...f.access, service: defaults.service, host: defaults.host };
      plans.set(f, plan);
    }
    return plan;
  };
  parse.tookAccess = (e) => {
    // A forced or hinted format keeps no state; a detected one counts the hit.
    const f = chosen(e);
    if (f === null) detector.hit(e.source);
    // Remembered, not parsed: only a later line without a time of its own asks for its time. A
    // line read in place in a block has no text here (e.line is empty): it is not remembered.
    if (inherit && e.line !== '') {
      const t = previousOf(e.source);
      t.accessLine = e.line;
      t.accessFormat = f ?? detector.winner(e.source);
    }
  };
  return parse;
}

/** Parses one line outside any pipeline (source `line`, read now): for tests, tools and the REPL. */
export function parseLine(line: string, opts: ParserOptions = {}): LogEvent {
  // A fresh parser per call: a one-off line must not depend on the previous one's detection.
  const parse = createParser(opts);
  return parse([{ source: 'line', generation: '', offset: 0, line, received_at: Date.now() }])[0];
}

// Types only: the schemas pull in zod, which the parse workers have no use for (58 ms of their
// start-up); take them from core/parse-config.js.
export type { ParserConfig, PatternConfig } from '../core/parse-config.js';
export { defaultMultiline } from './multiline-defaults.js';
export type { FormatDef, Parsed } from './types.js';
export { createParserPool, type ParserPool, type ParserPoolOptions } from './workers.js';
