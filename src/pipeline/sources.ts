/** Builds the configured sources (file tailers, syslog listeners) behind one small interface. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type CommittedPosition, FileCollector, SyslogInput } from '../collector/index.js';
import type { Config, FileSourceConfig, SourceConfig } from '../core/config.js';
import type { Batch, RawEvent } from '../core/events.js';
import type { Logger } from '../core/log.js';
import type { StorageEngine } from '../core/storage.js';
import { parseDuration } from '../core/time.js';
import { OFFSETS_TABLE } from '../storage/index.js';

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
}

/** Creates (and, for listeners, binds) every source in the config. */
export async function createSources(
  config: Config,
  dataDir: string,
  store: StorageEngine,
  log: Logger,
): Promise<Source[]> {
  const out: Source[] = [];
  for (const s of config.sources) out.push(await createSource(s, config, dataDir, store, log));
  return out;
}

/** What the store holds of a content fingerprint: each source's last committed line. */
function committedLookup(store: StorageEngine): (fp: string) => Promise<CommittedPosition[]> {
  return async (fp) => {
    const r = await store.query({
      sql: `SELECT o.source, o.generation, l."offset", l.raw FROM ${OFFSETS_TABLE} o JOIN logs l ON l.source = o.source AND l.generation = o.generation AND l."offset" = o.next_offset - 1 WHERE o.generation = ? OR starts_with(o.generation, ?)`,
      params: [fp, `${fp}-`],
    });
    return r.rows.map((row) => ({
      source: String(row.source),
      generation: String(row.generation),
      offset: Number(row.offset),
      raw: String(row.raw),
    }));
  };
}

async function createSource(
  s: SourceConfig,
  config: Config,
  dataDir: string,
  store: StorageEngine,
  log: Logger,
): Promise<Source> {
  const format = s.format === 'auto' ? config.parse.default_format : s.format;
  if (s.type === 'syslog') {
    const input = new SyslogInput({
      protocol: s.protocol,
      host: s.host,
      port: s.port,
      maxLineBytes: s.max_line_bytes,
      format,
      service: s.service,
      onWarning: (m) => log.warn(m),
    });
    const addr = await input.start();
    return { name: `syslog ${s.protocol} ${addr}`, format, service: s.service, ...bind(input) };
  }
  const collector = new FileCollector({
    paths: s.paths,
    exclude: s.exclude,
    startAt: s.start_at,
    checkpointPath: join(dataDir, 'checkpoints', `${checkpointName(s)}.json`),
    pollIntervalMs: parseDuration(s.poll_interval),
    maxLineBytes: s.max_line_bytes,
    format,
    service: s.service,
    // A first start has no checkpoint; that is not worth a warning. A corrupt one still warns.
    warnIfNoCheckpoint: false,
    ...(s.multiline
      ? {
          multiline: {
            mode: s.multiline.mode,
            start: s.multiline.start,
            timeoutMs: parseDuration(s.multiline.timeout),
            maxLines: s.multiline.max_lines,
          },
        }
      : {}),
    onWarning: (m) => log.warn(m),
    lookupCommitted: committedLookup(store),
  });
  return { name: `file ${s.paths.join(', ')}`, format, service: s.service, ...bind(collector) };
}

function bind(x: { batches(): AsyncGenerator<Batch<RawEvent>>; stop(): void; close(): Promise<void> }) {
  return { batches: () => x.batches(), stop: () => x.stop(), close: () => x.close() };
}

/** A stable checkpoint file name per file source: its globs, hashed. */
function checkpointName(s: FileSourceConfig): string {
  return `file-${createHash('sha256').update(JSON.stringify(s.paths)).digest('hex').slice(0, 16)}`;
}
