/**
 * The collector as a process of its own (`logpipe collect --to URL`, under `logpipe up` or in a
 * container): runs the configured sources and sends each batch over HTTP to the parser (or
 * straight to the store), acknowledging it — so moving the checkpoint — only once the receiver
 * answers 2xx, which it does after the store committed. Each source has two requests out at
 * once, so reading, parsing and storing overlap; the store recognises re-sent events by offset
 * order, so each request names the events sent before it (core/batch-order.ts) and the store
 * commits it only after them: a later batch never commits before an earlier one still retried.
 */
import { resolve } from 'node:path';
import { Hono } from 'hono';
import { AFTER_HEADER, encodeAfter, sendOrder } from '../core/batch-order.js';
import type { Config } from '../core/config.js';
import type { Batch, RawEvent } from '../core/events.js';
import type { Logger } from '../core/log.js';
import { encodeRawEvent, streamHeader } from '../core/ndjson.js';
import { encodeRawLines, RAW_LINES_MEDIA_TYPE } from '../core/raw-lines.js';
import { addOpsRoutes, type ComponentCounters, countError, newCounters } from '../server/ops.js';
import { type ServedApp, serveApp } from '../server/serve.js';
import { type BodyChoice, deliver, deliverPreferring, getJson } from './http-link.js';
import { type CommittedLookup, createSources, type Source, sourcesLag } from './sources.js';

export interface CollectServiceOptions {
  config: Config;
  /** Receiver base URL: the parser service or the store. */
  to: string;
  token?: string;
  /** The data dir's link secret (core/link-secret.ts), sent with every batch. */
  linkSecret?: string;
  log: Logger;
  /** Where /healthz, /metrics and /status are served; port 0 picks one. */
  opsHost: string;
  opsPort: number;
}

export interface CollectService {
  url: string;
  counters(): ComponentCounters;
  /** Stops reading, waits (bounded) for batches in delivery, writes checkpoints. */
  stop(): Promise<void>;
  /** Resolves when every source has ended (after stop, or a source failure). */
  done: Promise<void>;
}

/** Events per request at most: several collector batches travel together under load. */
const MAX_REQUEST_EVENTS = 20_000;
/**
 * Requests out at once per source: with two, the parser reads one batch while the store appends
 * the one before.
 */
const MAX_IN_FLIGHT = 2;

/** Starts the configured sources, sending to `to`. */
export async function startCollectService(opts: CollectServiceOptions): Promise<CollectService> {
  const { config, log } = opts;
  const counters: ComponentCounters = { ...newCounters('collector'), lag_bytes: 0, checkpoint_age_s: null };
  const stopping = new AbortController();
  const lookup: CommittedLookup = async (fp) => {
    const r = (await getJson(
      `${opts.to}/api/committed?fingerprint=${encodeURIComponent(fp)}`,
      opts.token,
    )) as { positions?: { source: string; generation: string; offset: number; raw: string }[] };
    return r.positions ?? [];
  };
  const sources: Source[] = await createSources(config, resolve(config.data_dir), lookup, log);
  const app = new Hono();
  addOpsRoutes(app, {
    counters: () => {
      const { lag_bytes, checkpoint_age_s } = sourcesLag(sources);
      Object.assign(counters, { lag_bytes, checkpoint_age_s });
      return [counters];
    },
  });
  let served: ServedApp;
  try {
    served = await serveApp(app, opts.opsHost, opts.opsPort, 'collect --metrics-port');
  } catch (err) {
    for (const s of sources) {
      s.stop();
      await s.close();
    }
    throw err;
  }

  let lastWarned = 0;
  const link = {
    url: opts.to,
    token: opts.token,
    linkSecret: opts.linkSecret,
    signal: stopping.signal,
    onRetry: (err: Error, attempt: number) => {
      countError(counters, err);
      // One line per outage, not one per retry.
      if (attempt === 1 || Date.now() - lastWarned > 30_000) {
        lastWarned = Date.now();
        log.warn(`cannot deliver to ${opts.to} (${describe(err)}); retrying`);
      }
    },
  };
  // Lines go out as one raw-lines body (text and typed arrays, no JSON a line) unless the
  // receiver answers that it cannot take them: then as NDJSON raw events, for good.
  const choice: BodyChoice = { binary: true };
  /**
   * Sends batches as one request, after those events `after` names; acks each once delivered,
   * or fails each when not (returning false).
   */
  const send = async (
    batches: Batch<RawEvent>[],
    all: RawEvent[],
    after: string | null,
    signal: AbortSignal,
  ): Promise<boolean> => {
    let bytes = 0;
    for (const e of all) bytes += e.line.length + 1;
    const events = all.length;
    counters.events_in += events;
    counters.bytes_in += bytes;
    counters.queue_depth += batches.length;
    try {
      const sent = await deliverPreferring(
        choice,
        (body) =>
          deliver({ ...link, signal }, '/api/ingest', body, after === null ? {} : { [AFTER_HEADER]: after }),
        () => ({ bytes: encodeRawLines(all), contentType: RAW_LINES_MEDIA_TYPE }),
        () => ndjsonBody(all),
        () => log.info(`${opts.to} does not take raw lines; sending NDJSON raw events from now on`),
      );
      counters.bytes_out += sent.bytes;
      counters.events_out += events;
      for (const b of batches) b.ack();
      return true;
    } catch (err) {
      // Not delivered (stopping, or refused as malformed): not acknowledged, so read again later.
      countError(counters, err);
      if (!signal.aborted) log.error((err as Error).message);
      for (const b of batches) b.ack(err as Error);
      return false;
    } finally {
      counters.queue_depth -= batches.length;
    }
  };

  /** Aborted when stopping, or when one of a source's requests is lost (then replaced). */
  const sourceSignal = () => {
    const ac = new AbortController();
    return { abort: () => ac.abort(), signal: AbortSignal.any([stopping.signal, ac.signal]) };
  };
  // Per source, reading runs ahead of sending (as far as the collector's in-flight bound lets
  // it), and whatever has been read while the requests were out goes in the next one: under
  // load requests grow, which is what makes the store's appends cheap.
  const pumps = sources.map(async (s) => {
    const queue: Batch<RawEvent>[] = [];
    const order = sendOrder();
    const inFlight = new Set<Promise<void>>();
    let lost = sourceSignal();
    let ended = false;
    let wake: (() => void) | null = null;
    const poke = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const reader = (async () => {
      try {
        for await (const batch of s.batches()) {
          queue.push(batch);
          poke();
        }
      } finally {
        ended = true;
        poke();
      }
    })();
    for (;;) {
      while (queue.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
      if (queue.length === 0) break;
      const take: Batch<RawEvent>[] = [];
      let n = 0;
      while (queue.length > 0 && (take.length === 0 || n + queue[0].events.length <= MAX_REQUEST_EVENTS)) {
        const b = queue.shift()!;
        n += b.events.length;
        take.push(b);
      }
      const all: RawEvent[] = [];
      for (const b of take) for (const e of b.events) all.push(e);
      const after = encodeAfter(order.next(all));
      const out = send(take, all, after, lost.signal).then((delivered) => {
        inFlight.delete(out);
        if (!delivered && !stopping.signal.aborted) {
          // A batch is lost until the source is read again (its file stalls): the requests after
          // it would wait for it for ever. They are failed too, and later ones wait for nothing.
          lost.abort();
          lost = sourceSignal();
          order.reset();
        }
      });
      inFlight.add(out);
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await reader;
  });
  const done = Promise.allSettled(pumps).then((results) => {
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        log.error(`source ${sources[i].name} failed: ${(r.reason as Error).message}`);
    });
  });

  let stopped: Promise<void> | null = null;
  return {
    url: served.url,
    counters: () => counters,
    done,
    stop: () => {
      stopped ??= (async () => {
        for (const s of sources) s.stop();
        // What is being delivered gets a while to land; past that it is read again next start.
        const grace = setTimeout(() => stopping.abort(), 10_000);
        await done;
        clearTimeout(grace);
        stopping.abort();
        await Promise.allSettled(sources.map((s) => s.close()));
        await served.stop();
      })();
      return stopped;
    },
  };
}

function describe(err: Error): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code ?? err.message;
}

/** Raw events as an NDJSON stream, for receivers that do not take raw-lines bodies. */
function ndjsonBody(events: readonly RawEvent[]): string {
  const parts = new Array<string>(events.length + 1);
  parts[0] = streamHeader('raw-events');
  for (let i = 0; i < events.length; i++) parts[i + 1] = encodeRawEvent(events[i]);
  return `${parts.join('\n')}\n`;
}
