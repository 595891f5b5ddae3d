/**
 * The `parse:` section of the config: default zone for zone-less stamps and user-defined
 * patterns (grok or regex with named groups). `createParser` takes the same values through
 * ParserOptions; the pipeline passes them on.
 *
 *   parse:
 *     timezone: Europe/Berlin
 *     grok_patterns:
 *       ORDERID: 'ord-[0-9]{6}'
 *     patterns:
 *       - name: shop
 *         grok: '%{TIMESTAMP_ISO8601:timestamp} %{LOGLEVEL:level} %{ORDERID:order} %{NUMBER:cents:int} %{GREEDYDATA:message}'
 *       - name: legacy
 *         regex: '^(?<ts>\d{10}) (?<level>\w+) (?<message>.*)$'
 *         fields_types: { latency: float }
 */
import { z } from 'zod';

/** Names a pattern may use as its format id: lowercase with underscores, like built-in ids. */
const formatId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a lowercase id with underscores, such as my_app');

/** One user pattern: exactly one of `grok` or `regex`. */
export const PatternSchema = z
  .strictObject({
    /** The format id events matched by this pattern report. */
    name: formatId,
    /** A grok expression: `%{SYNTAX:field:type}` references into the pattern library. */
    grok: z.string().min(1).optional(),
    /** A JavaScript regular expression with named groups `(?<field>...)`. */
    regex: z.string().min(1).optional(),
    /** Conversions per field, for fields the expression does not type itself. */
    fields_types: z.record(z.string(), z.enum(['int', 'float', 'string', 'bool'])).optional(),
  })
  .refine((p) => (p.grok === undefined) !== (p.regex === undefined), {
    message: 'give exactly one of "grok" or "regex"',
  });

/** The `parse:` section. */
export const ParserConfigSchema = z.strictObject({
  /** Format for sources that do not name one (`auto`: detect per source). */
  default_format: z.string().min(1).default('auto'),
  /** Zone for timestamps without an offset: `UTC`, an offset such as `+02:00`, or an IANA name. */
  timezone: z.string().min(1).default('UTC'),
  /** Extra grok building blocks, usable as `%{NAME}` in patterns (upper case names). */
  grok_patterns: z
    .record(z.string().regex(/^[A-Z0-9_]+$/, 'an upper-case name such as MY_ID'), z.string().min(1))
    .default({}),
  /** User patterns, tried in order before the built-in formats during auto-detection. */
  patterns: z.array(PatternSchema).default([]),
  /**
   * Worker threads that parse for `logpipe run`; 0 parses on the pipeline's own thread, which
   * on two cores is as fast as one worker for less CPU and memory.
   */
  workers: z.number().int().min(0).max(64).default(0),
});

export type PatternConfig = z.infer<typeof PatternSchema>;
export type ParserConfig = z.infer<typeof ParserConfigSchema>;
