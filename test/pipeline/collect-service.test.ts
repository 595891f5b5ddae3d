/**
 * The collector as a process of its own (`logpipe collect --to`): its batches go out as raw-lines
 * bodies, and as NDJSON raw events to a receiver that answers it cannot take those.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AFTER_HEADER, decodeAfter } from '../../src/core/batch-order.js';
import { validateConfig } from '../../src/core/config.js';
import type { RawEvent } from '../../src/core/events.js';
import { memoryLogger } from '../../src/core/log.js';
import { decodeRawEvent, parseStreamHeader } from '../../src/core/ndjson.js';
import { decodeRawLines, RAW_LINES_MEDIA_TYPE } from '../../src/core/raw-lines.js';
import { type CollectService, startCollectService } from '../../src/pipeline/collect-service.js';
import { tempDir } from '../helpers/cli.js';
import { answer, closeReceivers, type Received, receiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/wait.js';

const services: CollectService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
  await closeReceivers();
});

/** Resolves once `cond` holds (10 s at most). */
function until(what: string, cond: () => boolean): Promise<true> {
  return waitFor(what, async () => (cond() ? true : undefined), 10_000);
}

/** The raw events a request carried, in either format (none for the collector's lookups). */
function received(r: Received): RawEvent[] {
  if (r.method !== 'POST') return [];
  if (String(r.headers['content-type']).startsWith(RAW_LINES_MEDIA_TYPE)) return decodeRawLines(r.bytes);
  const lines = r.body.split('\n').filter((l) => l !== '');
  expect(parseStreamHeader(lines[0])).toBe('raw-events');
  return lines.slice(1).map(decodeRawEvent);
}

/**
 * A collector of `dir/*.log` sending to `to`. `joining: false` turns stack-trace joining off, so
 * each line goes out as soon as it is read instead of waiting for the next (which may continue it).
 */
async function collector(dir: string, to: string, joining = true): Promise<CollectService> {
  const config = validateConfig({
    data_dir: join(dir, 'data'),
    sources: [
      { type: 'file', paths: [join(dir, '*.log')], ...(joining ? {} : { multiline: { mode: 'off' } }) },
    ],
  });
  const s = await startCollectService({ config, to, log: memoryLogger(), opsHost: '127.0.0.1', opsPort: 0 });
  services.push(s);
  return s;
}

const LINES = ['alpha ✓', 'beta', '', 'gamma "quoted"'];

describe('collect service', () => {
  it('sends each batch as raw lines, with every line, its offset and its identity', async () => {
    const dir = tempDir('logpipe-collect-svc-');
    writeFileSync(join(dir, 'app.log'), `${LINES.join('\n')}\n`);
    const store = await receiver((req, res) =>
      answer(res, 200, { stored: received(req).length, duplicates: 0 }),
    );
    await collector(dir, store.url);
    await until('every line', () => store.got.flatMap(received).length >= LINES.length);
    const posts = store.got.filter((g) => g.method === 'POST');
    expect(posts[0].headers['content-type']).toBe(RAW_LINES_MEDIA_TYPE);
    const events = store.got.flatMap(received);
    expect(events.map((e) => e.line)).toEqual(LINES);
    expect(events.map((e) => e.offset)).toEqual([0, 10, 15, 16]);
    expect(new Set(events.map((e) => e.source))).toEqual(new Set([join(dir, 'app.log')]));
  });

  it('falls back to NDJSON raw events for good once the receiver answers 415', async () => {
    const dir = tempDir('logpipe-collect-svc-');
    writeFileSync(join(dir, 'app.log'), `${LINES.join('\n')}\n`);
    const store = await receiver((req, res) => {
      if (req.method !== 'POST') answer(res, 200, { positions: [] });
      else if (String(req.headers['content-type']).startsWith(RAW_LINES_MEDIA_TYPE)) {
        answer(res, 415, { error: { type: 'request', message: 'raw lines not taken here' } });
      } else answer(res, 200, { stored: received(req).length, duplicates: 0 });
    });
    // One request before the 415: with joining on, the last line would follow in a second one,
    // possibly sent before the first's answer came back.
    const s = await collector(dir, store.url, false);
    await until(
      'the appended line',
      () => store.got.filter((g) => g.headers['content-type'] === 'application/x-ndjson').length >= 1,
    );
    writeFileSync(join(dir, 'app.log'), `${LINES.join('\n')}\nmore\n`);
    await until(
      'the appended line',
      () =>
        store.got.filter((g) => g.headers['content-type'] === 'application/x-ndjson').flatMap(received)
          .length >= 5,
    );
    const posts = store.got.filter((g) => g.method === 'POST');
    const types = posts.map((g) => g.headers['content-type']);
    expect(types[0]).toBe(RAW_LINES_MEDIA_TYPE);
    expect(types.slice(1).every((t) => t === 'application/x-ndjson')).toBe(true);
    const delivered = posts.slice(1).flatMap(received);
    expect(delivered.map((e) => e.line)).toEqual([...LINES, 'more']);
    expect(s.counters().errors).toBe(0);
  });

  it('has two requests of a source out at once, each naming the events sent before it', async () => {
    const dir = tempDir('logpipe-collect-svc-');
    const file = join(dir, 'app.log');
    writeFileSync(file, `${LINES.join('\n')}\n`);
    const held: { res: ServerResponse; n: number }[] = [];
    const store = await receiver((req, res) => {
      if (req.method !== 'POST') answer(res, 200, { positions: [] });
      else held.push({ res, n: received(req).length });
    });
    // Requests are cut where lines were read, not where a joined event might end.
    const s = await collector(dir, store.url, false);
    const posts = () => store.got.filter((g) => g.method === 'POST');
    await until('the first request', () => posts().length === 1);
    appendFileSync(file, 'more\n');
    await until('a second request while the first is unanswered', () => posts().length === 2);
    expect(posts()[0].headers[AFTER_HEADER]).toBeUndefined();
    // The second follows the first's last line (`gamma`, at 16).
    expect(decodeAfter(String(posts()[1].headers[AFTER_HEADER]))).toEqual([
      [file, received(posts()[0])[0].generation, 16],
    ]);
    appendFileSync(file, 'again\n');
    await new Promise((r) => setTimeout(r, 700));
    expect(posts()).toHaveLength(2);
    for (const h of held.splice(0)) answer(h.res, 200, { stored: h.n, duplicates: 0 });
    await until('the third request once one was answered', () => posts().length === 3);
    expect(received(posts()[2]).map((e) => e.line)).toEqual(['again']);
    expect(decodeAfter(String(posts()[2].headers[AFTER_HEADER]))[0][2]).toBe(received(posts()[1])[0].offset);
    for (const h of held.splice(0)) answer(h.res, 200, { stored: h.n, duplicates: 0 });
    expect(s.counters().errors).toBe(0);
  });
});
