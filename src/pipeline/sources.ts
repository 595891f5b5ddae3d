/** Builds the configured sources (file tailers, syslog and RELP listeners) behind one small interface. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  type CommittedPosition,
  FileCollector,
  type MultilineOptions,
  RelpInput,
  SyslogInput,
} from '../collector/index.js';
import type { Config, FileSourceConfig, SourceConfig } from '../core/config.js';
import { DEFAULT_BATCH_LINES, DEFAULT_MULTILINE_TIMEOUT_MS } from '../core/defaults.js';
import { ConfigError } from '../core/errors.js';
import type { Batch, RawEvent } from '../core/events.js';
import type { Logger } from '../core/log.js';
import { parseDuration } from '../core/time.js';
import { defaultMultiline } from '../parser/index.js';

/** A running source: batches until stopped, acks flowing back to its checkpoint. */
export interface Source {
  /** Human name for logs: `file /var/log/*.log`, `syslog udp 127.0.0.1:5514`. */
  name: string;
  /** Parser format for its events (`auto` to detect). */
  format: string;
  service?: string;
  batches(): AsyncGenerator<Batch<RawEvent>>;
  stop(): void;
  close(): Promise<void>;
  /**
   * Bytes read so far; for files also the lag (bytes on disk not yet stored: unread, or read and
   * not acknowledged) and the checkpoint's age (null for listeners).
   */
  stats(): { bytesRead: number; lagBytes: number; checkpointAgeMs: number | null };
}

/** Asks the store what it holds of a content fingerprint (see storage/committed.ts). */
export type CommittedLookup = (fingerprint: string) => Promise<CommittedPosition[]>;

/** Lines per batch a source hands out, at most. */
export const SOURCE_BATCH_LINES = DEFAULT_BATCH_LINES;

/**
 * Unacknowledged batches a source may have out: at least 8, and enough for two whole appends of
 * `batchSize` events. Acks come only after an append commits, so with fewer the store writer
 * would hold a part-filled append that no more batches can reach and append it only when its
 * flush interval ran out: `storage.batch_size: 50000` took 15 s for 1M lines instead of 3.7.
 */
export function batchesInFlight(batchSize: number): number {
  return Math.max(8, 2 * Math.ceil(batchSize / SOURCE_BATCH_LINES) + 1);
}

/**
 * The joining a file source asks for: its `multiline` key, or without one the rule its format
 * implies (stack traces joined where a format has them, `auto` while the format is unknown).
 */
function multilineOf(s: FileSourceConfig, format: string): { multiline?: MultilineOptions } {
  const m = s.multiline;
  if (m === undefined) {
    const mode = defaultMultiline(format);
    return mode ? { multiline: { mode, timeoutMs: DEFAULT_MULTILINE_TIMEOUT_MS } } : {};
  }
  if (m.mode === 'off') return {};
  return {
    multiline: { mode: m.mode, start: m.start, timeoutMs: parseDuration(m.timeout), maxLines: m.max_lines },
  };
}

/** Creates (and, for listeners, binds) every source in the config. */
export async function createSources(
  config: Config,
  dataDir: string,
  lookupCommitted: CommittedLookup | null,
  log: Logger,
): Promise<Source[]> {
  const out: Source[] = [];
  for (const [i, s] of config.sources.entries()) {
    try {
      out.push(await createSource(s, config, dataDir, lookupCommitted, log));
    } catch (err) {
      throw s.type === 'syslog' ? (portError(`sources[${i}].port`, s, err) ?? err) : err;
    }
  }
  return out;
}

/** A listener's port that cannot be had, as the config's mistake: one line naming the key. */
function portError(
  key: string,
  s: { protocol: string; host: string; port: number },
  err: unknown,
): ConfigError | null {
  const code = (err as NodeJS.ErrnoException)?.code;
  const where = `port ${s.port}/${s.protocol} on ${s.host}`;
  if (code === 'EADDRINUSE')
    return new ConfigError(key, `${where} is already in use (set another, or 0 for any)`);
  if (code === 'EACCES')
    return new ConfigError(key, `${where} is not permitted (ports below 1024 need root)`);
  if (code === 'EADDRNOTAVAIL') return new ConfigError(key, `${s.host} is not an address of this machine`);
  return null;
}

async function createSource(
  s: SourceConfig,
  config: Config,
  dataDir: string,
  lookupCommitted: CommittedLookup | null,
  log: Logger,
): Promise<Source> {
  const format = s.format === 'auto' ? config.parse.default_format : s.format;
  const maxBatchesInFlight = batchesInFlight(config.storage.batch_size);
  if (s.type === 'syslog') {
    const listen = {
      host: s.host,
      port: s.port,
      maxLineBytes: s.max_line_bytes,
      maxBatchLines: SOURCE_BATCH_LINES,
      maxBatchesInFlight,
      format,
      service: s.service,
      onWarning: (m: string) => log.warn(m),
    };
    // RELP answers each message once its batch is acknowledged, after the store's commit.
    const input =
      s.protocol === 'relp' ? new RelpInput(listen) : new SyslogInput({ ...listen, protocol: s.protocol });
    const addr = await input.start();
    return {
      name: `syslog ${s.protocol} ${addr}`,
      format,
      service: s.service,
      ...bind(input),
      stats: () => ({ bytesRead: input.stats().bytes, lagBytes: 0, checkpointAgeMs: null }),
    };
  }
  const collector = new FileCollector({
    paths: s.paths,
    exclude: s.exclude,
    startAt: s.start_at,
    checkpointPath: join(dataDir, 'checkpoints', `${checkpointName(s)}.json`),
    pollIntervalMs: parseDuration(s.poll_interval),
    maxLineBytes: s.max_line_bytes,
    maxBatchLines: SOURCE_BATCH_LINES,
    maxBatchesInFlight,
    maxOpenFiles: s.max_open_files,
    format,
    service: s.service,
    // A first start has no checkpoint; that is not worth a warning. A corrupt one still warns.
    warnIfNoCheckpoint: false,
    ...multilineOf(s, format),
    onWarning: (m) => log.warn(m),
    ...(lookupCommitted ? { lookupCommitted } : {}),
  });
  return {
    name: `file ${s.paths.join(', ')}`,
    format,
    service: s.service,
    ...bind(collector),
    stats: () => {
      const st = collector.stats();
      let lagBytes = 0;
      for (const n of Object.values(st.lagBytes)) lagBytes += n;
      return { bytesRead: st.bytes, lagBytes, checkpointAgeMs: st.checkpointAgeMs };
    },
  };
}

function bind(x: { batches(): AsyncGenerator<Batch<RawEvent>>; stop(): void; close(): Promise<void> }) {
  return { batches: () => x.batches(), stop: () => x.stop(), close: () => x.close() };
}

/** A stable checkpoint file name per file source: its globs, hashed. */
function checkpointName(s: FileSourceConfig): string {
  return `file-${createHash('sha256').update(JSON.stringify(s.paths)).digest('hex').slice(0, 16)}`;
}

/** All sources' bytes read and lag (summed: bytes not yet stored) and their oldest checkpoint's age (s), for metrics. */
export function sourcesLag(sources: Source[]): {
  bytes_read: number;
  lag_bytes: number;
  checkpoint_age_s: number | null;
} {
  let read = 0;
  let lag = 0;
  let age: number | null = null;
  for (const s of sources) {
    const st = s.stats();
    read += st.bytesRead;
    lag += st.lagBytes;
    if (st.checkpointAgeMs !== null) age = Math.max(age ?? 0, st.checkpointAgeMs / 1000);
  }
  return { bytes_read: read, lag_bytes: lag, checkpoint_age_s: age };
}
