/**
 * The parser component's contract: turn RawEvents into LogEvents. A parser is created once (its
 * options checked then: format name, time zone, user patterns) and called with batches; it keeps
 * per-source detection state, so one source should go through one parser.
 */
import { ConfigError, UsageError } from '../core/errors.js';
import type { LogEvent, RawEvent } from '../core/events.js';
import type { PatternConfig } from '../core/parse-config.js';
import type { AccessPlan, RawParser } from '../core/storage.js';
import { createDetector } from './detect.js';
import { type EventDefaults, toLogEvent } from './event.js';
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
}

/**
 * Parses a batch; the result has one event per input, in order. Never throws on line content.
 * It also tells a store which lines it would read as access lines (see RawParser).
 */
export type BatchParser = RawParser;

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
    return toLogEvent(e, p ?? parseUnknown(line), defaults);
  }

  const parse = ((events: RawEvent[]) => {
    const out = new Array<LogEvent>(events.length);
    for (let i = 0; i < events.length; i++) out[i] = parseOne(events[i]);
    return out;
  }) as BatchParser;
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
    if (chosen(e) === null) detector.hit(e.source);
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
export type { FormatDef, Parsed } from './types.js';
export { createParserPool, type ParserPool, type ParserPoolOptions } from './workers.js';
