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
   * Worker threads that parse and encode for `logpipe run`; 0 parses on the pipeline's own
   * thread. `auto`: one worker where there are two cores or more (see `parserWorkers`).
   */
  workers: z
    .union([z.literal('auto'), z.number().int().min(0).max(64)], {
      error: 'expected `auto` or a whole number of threads from 0 to 64',
    })
    .default('auto'),
});

export type PatternConfig = z.infer<typeof PatternSchema>;
export type ParserConfig = z.infer<typeof ParserConfigSchema>;

/**
 * The worker threads `parse.workers` asks for on a machine with `cores` cores. `auto` takes one
 * when there are two or more: on two cores one worker measured 10-20 % faster than parsing on
 * the pipeline's thread; more than one did not help there, and has not been measured on more.
 */
export function parserWorkers(workers: ParserConfig['workers'], cores: number): number {
  if (workers !== 'auto') return workers;
  return cores >= 2 ? 1 : 0;
}
