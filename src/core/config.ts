/**
 * The config file: its schema (validated with zod, unknown keys rejected), loading from YAML,
 * environment overrides (`LOGPIPE_SERVER__PORT=8080` sets `server.port`) and flag overrides
 * (`--set storage.batch_size=5000`), in that order of precedence. Every error names the key.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { describeIssues } from './config-issues.js';
import {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_OPEN_FILES,
  DEFAULT_MULTILINE_MAX_LINES,
  DEFAULT_MULTILINE_TIMEOUT_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_START_AT,
  DEFAULT_SYSLOG_HOST,
  DEFAULT_SYSLOG_MAX_LINE_BYTES,
  STORAGE_DEFAULTS,
} from './defaults.js';
import { ConfigError } from './errors.js';
import { ParserConfigSchema } from './parse-config.js';

const duration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/, 'a duration such as 500ms, 10s, 5m or 2h');
const size = z
  .union([z.number().int().positive(), z.string()])
  .refine(
    (v) => typeof v === 'number' || /^\s*\d+(\.\d+)?\s*([kmgt]i?b|b)?\s*$/i.test(v),
    'a size such as 500MB or 5GB',
  );
/** A default in milliseconds as a duration: whole seconds as `1s`, the rest as `250ms`. */
const durationOf = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** A synthetic log source: the generator writing a file, for demos and tests. */
export const GeneratorConfigSchema = z.strictObject({
  name: z.string().min(1).optional(),
  /** Log format to write (generator format id). */
  format: z.string().min(1),
  /** File to append to; `-` for stdout. */
  path: z.string().min(1),
  /** Lines per second, or `max`. */
  rate: z.union([z.number().positive(), z.literal('max')]).default(100),
  /** Stop after this many lines. */
  count: z.number().int().positive().optional(),
  /** Stop after this long. */
  duration: duration.optional(),
  /** Makes the output reproducible. */
  seed: z.number().int().optional(),
});

/** A set of files to tail. */
export const FileSourceSchema = z.strictObject({
  type: z.literal('file'),
  /** Glob patterns of files to tail. */
  paths: z.array(z.string().min(1)).min(1),
  /** Glob patterns to leave out. */
  exclude: z.array(z.string().min(1)).default([]),
  /** Parser to use, or `auto` to detect per source. */
  format: z.string().min(1).default('auto'),
  /** Service name stamped on events that carry none. */
  service: z.string().min(1).optional(),
  /** Where to start on a file seen for the first time. */
  start_at: z.enum(['beginning', 'end']).default(DEFAULT_START_AT),
  /** Lines longer than this are cut and flagged. */
  max_line_bytes: z.number().int().positive().default(DEFAULT_MAX_LINE_BYTES),
  /** How often to look for new data and new files. */
  poll_interval: duration.default(durationOf(DEFAULT_POLL_INTERVAL_MS)),
  /** Files held open at once, at most; the others are closed while idle and read in turn. */
  max_open_files: z.number().int().min(2).default(DEFAULT_MAX_OPEN_FILES),
  /** Join continuation lines (stack traces) into one event. */
  multiline: z
    .strictObject({
      /**
       * `java` and `python` know their stack traces (`auto`: both); `pattern` takes a regex for an
       * event's first line; `off`: a line an event. Without this key the format decides
       * (docs/collecting.md).
       */
      mode: z.enum(['auto', 'java', 'python', 'pattern', 'off']),
      start: z.string().min(1).optional(),
      /** A pending event is emitted after this long without a new line. */
      timeout: duration.default(durationOf(DEFAULT_MULTILINE_TIMEOUT_MS)),
      max_lines: z.number().int().positive().default(DEFAULT_MULTILINE_MAX_LINES),
    })
    .refine((m) => m.mode !== 'pattern' || m.start !== undefined, {
      message: 'mode "pattern" needs a start pattern',
      path: ['start'],
    })
    .optional(),
});

/**
 * Syslog over UDP or TCP (RFC 3164 / 5424; TCP framed by newlines or RFC 6587 octet counts), or
 * RELP (rsyslog's omrelp: each message answered once the store has committed it).
 */
export const SyslogSourceSchema = z.strictObject({
  type: z.literal('syslog'),
  protocol: z.enum(['udp', 'tcp', 'relp']).default('udp'),
  /** Address to bind; loopback unless told otherwise. */
  host: z.string().min(1).default(DEFAULT_SYSLOG_HOST),
  port: z.number().int().min(0).max(65535).default(5514),
  format: z.string().min(1).default('auto'),
  service: z.string().min(1).optional(),
  max_line_bytes: z.number().int().positive().default(DEFAULT_SYSLOG_MAX_LINE_BYTES),
});

export const SourceSchema = z.discriminatedUnion('type', [FileSourceSchema, SyslogSourceSchema]);

export const StorageConfigSchema = z.strictObject({
  engine: z.literal('duckdb').default('duckdb'),
  /** Events per append transaction, at most. */
  batch_size: z.number().int().positive().default(STORAGE_DEFAULTS.batch_size),
  /** A partial batch is committed after this long. */
  flush_interval: duration.default(STORAGE_DEFAULTS.flush_interval),
  /**
   * Width of a window of recent (hot) rows: they wait unsealed in one file per window until it
   * ends; sealed files are chosen by size, whatever time they span (docs/storage.md).
   */
  partition: duration.default(STORAGE_DEFAULTS.partition),
  /** A window's rows are sealed into a Parquet file this long after it ends. */
  seal_after: duration.default(STORAGE_DEFAULTS.seal_after),
  /** Events older than this are deleted (absent: kept forever). */
  retention: duration.optional(),
  /** The oldest partitions are deleted while the store is larger than this (absent: no limit). */
  max_size: size.optional(),
  /** Memory DuckDB may use for caching and queries; beyond it, work spills to disk. */
  memory_limit: size.default(STORAGE_DEFAULTS.memory_limit),
  /** How often sealing and retention run. */
  maintenance_interval: duration.default(STORAGE_DEFAULTS.maintenance_interval),
  /**
   * Unsealed segments (uncompressed, about 1.2 times the raw text) past this size are sealed
   * before their window ends; appends wait while they take twice it.
   */
  unsealed_max: size.default(STORAGE_DEFAULTS.unsealed_max),
});

export const ServerConfigSchema = z.strictObject({
  /** Address the HTTP API binds to. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Port of the HTTP API; 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(7280),
  /** Bearer token required when binding beyond loopback. */
  token: z.string().min(1).optional(),
});

export const DisplayConfigSchema = z.strictObject({
  /**
   * The zone `query`, `tail`, `status` and `fields` show times in: an IANA name (`Europe/Paris`),
   * `UTC` or `local`. Default: local on a terminal, UTC in a pipe or file; `--tz` beats it.
   */
  timezone: z.string().min(1).optional(),
});

export const ConfigSchema = z.strictObject({
  /** Where everything logpipe writes lives. */
  data_dir: z.string().min(1).default('./logpipe-data'),
  generators: z.array(GeneratorConfigSchema).default([]),
  sources: z.array(SourceSchema).default([]),
  parse: ParserConfigSchema.prefault({}),
  storage: StorageConfigSchema.prefault({}),
  server: ServerConfigSchema.prefault({}),
  display: DisplayConfigSchema.prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;
export type GeneratorConfig = z.infer<typeof GeneratorConfigSchema>;
export type FileSourceConfig = z.infer<typeof FileSourceSchema>;
export type SyslogSourceConfig = z.infer<typeof SyslogSourceSchema>;
export type SourceConfig = z.infer<typeof SourceSchema>;

export interface LoadConfigOptions {
  /** YAML file to read; absent means defaults only. */
  file?: string;
  /** A config object to start from instead of a file (e.g. the built-in demo). */
  base?: unknown;
  /** Environment to take `LOGPIPE_*` overrides from. */
  env?: NodeJS.ProcessEnv;
  /** Dotted-key overrides from flags, applied last: `{ 'server.port': 8080 }`. */
  overrides?: Record<string, unknown>;
}

/** Loads, merges and validates a config; throws ConfigError naming the first bad key. */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  let raw: unknown = opts.base ?? {};
  if (opts.file) raw = readYamlFile(opts.file);
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError('', 'the file must hold a mapping of keys');
  const merged = structuredClone(raw) as Record<string, unknown>;
  for (const [key, value] of Object.entries(envOverrides(opts.env ?? {}))) setPath(merged, key, value);
  for (const [key, value] of Object.entries(opts.overrides ?? {})) setPath(merged, key, value);
  return expandDataDir(validateConfig(merged));
}

/** Replaces `${data_dir}` in generator and source paths with the configured data dir. */
export function expandDataDir(config: Config): Config {
  const x = (p: string) => p.replaceAll('${data_dir}', config.data_dir);
  return {
    ...config,
    generators: config.generators.map((g) => ({ ...g, path: x(g.path) })),
    sources: config.sources.map((s) =>
      s.type === 'file' ? { ...s, paths: s.paths.map(x), exclude: s.exclude.map(x) } : s,
    ),
  };
}

/** Validates a plain object against the schema. */
export function validateConfig(obj: unknown): Config {
  const r = ConfigSchema.safeParse(obj, { reportInput: true });
  if (r.success) return r.data;
  const { key, detail } = describeIssues(ConfigSchema, obj, r.error.issues);
  throw new ConfigError(key, detail);
}

/** A YAML file's document; a ConfigError names the file (and line and column) when it does not read. */
export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError('', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}`);
  }
  try {
    return parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const at = err.linePos?.[0];
      throw new ConfigError('', `${file}${at ? `:${at.line}:${at.col}` : ''}: ${err.message.split('\n')[0]}`);
    }
    throw err;
  }
}

/**
 * LOGPIPE_ variables that are not config keys: the supervisor's restart count for its children
 * and the data dir it marks them with (pipeline/orphan-watch.ts), and the token clients
 * (`query --server`, compose) send.
 */
const INTERNAL_ENV = new Set(['LOGPIPE_RESTARTS', 'LOGPIPE_UP_DATA_DIR', 'LOGPIPE_TOKEN']);

/** `LOGPIPE_STORAGE__BATCH_SIZE=5000` → `{ 'storage.batch_size': 5000 }`; values read as YAML scalars. */

export function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('LOGPIPE_') || value === undefined || INTERNAL_ENV.has(name)) continue;
    const key = name.slice('LOGPIPE_'.length).toLowerCase().split('__').join('.');
    if (!key) continue;
    out[key] = parseScalar(value);
  }
  return out;
}

/** Reads `5000` as a number, `true` as a boolean, anything else as text. */
export function parseScalar(text: string): unknown {
  try {
    const v = parseYaml(text);
    return v === null || typeof v === 'object' ? text : v;
  } catch {
    return text;
  }
}

/** Sets `a.b.0.c` in a nested object, creating mappings (or arrays for numeric keys) on the way. */
export function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let cur: Record<string, unknown> = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i];
    let next = cur[k];
    if (next === undefined || next === null || typeof next !== 'object') {
      next = /^\d+$/.test(parts[i + 1]) ? [] : {};
      cur[k] = next;
    }
    cur = next as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}
