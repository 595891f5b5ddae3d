import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRealCorpus } from '../../bench/corpus/real-systems.js';
import { collectOnce, FileCollector, type FileCollectorOptions } from '../../src/collector/index.js';
import {
  autoContinues,
  compileMultiline,
  flushJoiner,
  javaContinues,
  joinLine,
  newJoiner,
} from '../../src/collector/multiline.js';
import { mayContinue } from '../../src/collector/multiline-block.js';
import type { Batch, RawEvent } from '../../src/core/events.js';
import { tempDir } from '../helpers/cli.js';

const TRACE_LINES = [
  'java.lang.IllegalStateException: boom',
  'java.lang.IllegalStateException',
  'org.apache.kafka.common.errors.TimeoutException: Expiring 1 record(s)',
  'com.example.Whatever$InnerError: x',
  '\tat com.example.App.handle(App.java:42)',
  '    at java.base/java.lang.Thread.run(Thread.java:833)',
  'Caused by: java.io.IOException: connection reset',
  'Suppressed: java.lang.RuntimeException: close failed',
  '\t... 2 more',
  '... 7 more',
  'Traceback (most recent call last):',
  '  File "app.py", line 3, in <module>',
  "KeyError: 'x'",
  'ValueError: bad value',
  '',
  'During handling of the above exception, another exception occurred:',
  'The above exception was the direct cause of the following exception:',
  'Exception in thread "main" java.lang.NullPointerException',
  'Thread.sleep interrupted',
  'T',
  'Caused',
  'a.b',
  'a.Error',
  'a.Error:',
  'a.Errors: no',
  'é.Error',
  '2026-11-27 12:00:00,000 ERROR [main] c.e.App - request failed',
];

function fullJoin(text: string): string[] {
  const { rule, maxLines } = compileMultiline({ mode: 'auto' });
  const j = newJoiner(rule, maxLines, 1 << 20);
  const out: RawEvent[] = [];
  let offset = 0;
  const lines = text.split('\n');
  lines.pop();
  for (const line of lines) {
    joinLine(j, { source: 's', generation: 'g', offset, line, received_at: 0 }, out, 0);
    offset += Buffer.byteLength(line) + 1;
  }
  flushJoiner(j, out);
  return out.map((e) => `${e.offset}:${e.line}`);
}

function base(dir: string, extra: Partial<FileCollectorOptions> = {}): FileCollectorOptions {
  return {
    paths: [join(dir, '*.log')],
    checkpointPath: join(dir, 'ck', 'collect.json'),
    pollIntervalMs: 20,
    checkpointIntervalMs: 10,
    closeTimeoutMs: 200,
    onWarning: () => {},
    multiline: { mode: 'auto', timeoutMs: 60_000 },
    ...extra,
  };
}

/** The lines of the next batches, acknowledged, until there are `n`. */
async function linesOf(it: AsyncGenerator<Batch<RawEvent>>, n: number): Promise<string[]> {
  const seen: string[] = [];
  while (seen.length < n) {
    const r = await it.next();
    for (const e of r.value?.events ?? []) seen.push(e.line);
    r.value?.ack();
  }
  return seen;
}

describe('multi-line joining over blocks of bytes', () => {
  it('spots in bytes every line the Java and Python rules may take as a continuation', () => {
    const corpus = writeRealCorpus(6000, { fromMs: 0, toMs: 86_400_000, seed: 7 }).flatMap((s) => s.lines);
    let continuing = 0;
    for (const line of [...TRACE_LINES, ...corpus]) {
      const j = newJoiner(autoContinues, 500, 1 << 20);
      const takes = autoContinues(line, j) || javaContinues(line, newJoiner(javaContinues, 500, 1 << 20));
      const b = Buffer.from(line);
      if (takes) {
        continuing++;
        expect(mayContinue(b, 0, b.length), line).toBe(true);
      }
    }
    expect(continuing).toBeGreaterThan(100);
    // And it lets ordinary event lines through without a second look.
    for (const line of [
      '192.168.0.1 - - [07/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5',
      'Dec  7 10:00:00 host sshd[1]: ok',
      '{"a":1}',
    ]) {
      const b = Buffer.from(line);
      expect(mayContinue(b, 0, b.length)).toBe(false);
    }
  });

  it('joins a tailed file the same whatever its batches', async () => {
    const systems = writeRealCorpus(1500, { fromMs: 0, toMs: 86_400_000 * 30, seed: 3 });
    const text = `${systems.map((s) => s.lines.join('\n')).join('\n')}\nlast line\n`;
    const expected = fullJoin(text);
    expect(expected.length).toBeLessThan(1500);
    for (const batch of [1, 2, 3, 7, 64, 1000]) {
      const dir = tempDir();
      writeFileSync(join(dir, 'a.log'), text);
      const c = new FileCollector(base(dir, { maxBatchLines: batch, once: true }));
      const got: string[] = [];
      for await (const b of c.batches()) {
        for (const e of b.events) got.push(`${e.offset}:${e.line}`);
        b.ack();
      }
      await c.close();
      expect(got, `batches of ${batch}`).toEqual(expected);
    }
  });

  it('hands batches without a continuation line on as blocks of bytes', async () => {
    const dir = tempDir();
    let text = '';
    for (let i = 0; i < 1000; i++) text += `2026-12-03 10:00:00 INFO line ${i}\n`;
    writeFileSync(join(dir, 'a.log'), text);
    const c = new FileCollector(base(dir, { maxBatchLines: 100, once: true }));
    let blocks = 0;
    let n = 0;
    for await (const b of c.batches()) {
      if (b.lines !== undefined) blocks++;
      n += b.events.length;
      b.ack();
    }
    await c.close();
    expect(n).toBe(1000);
    expect(blocks).toBeGreaterThanOrEqual(9);
  });

  it('keeps the last line pending until the next read shows how it goes on, then resumes exactly', async () => {
    const dir = tempDir();
    const f = join(dir, 'a.log');
    writeFileSync(f, 'E one\nI two\nE three\n');
    const o = base(dir);
    const c = new FileCollector(o);
    const it = c.batches();
    const first = await it.next();
    expect(first.value?.events.map((e: RawEvent) => e.line)).toEqual(['E one', 'I two']);
    first.value?.ack();
    appendFileSync(f, '\tat x.y(Z.java:1)\nI four\n');
    const second = await it.next();
    expect(second.value?.events.map((e: RawEvent) => [e.line, e.offset])).toEqual([
      ['E three\n\tat x.y(Z.java:1)', 12],
    ]);
    second.value?.ack();
    c.stop();
    await c.close();
    // "I four" was pending: the checkpoint stayed before it, so the next run starts there.
    appendFileSync(f, 'I five\n');
    const rest = await collectOnce(o);
    expect(rest.map((e) => [e.line, e.offset])).toEqual([
      ['I four', 38],
      ['I five', 45],
    ]);
  });

  it('emits the held line once the file has been quiet for the timeout', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), 'one\ntwo\n');
    const c = new FileCollector(base(dir, { multiline: { mode: 'auto', timeoutMs: 50 } }));
    const it = c.batches();
    const seen = await linesOf(it, 2);
    expect(seen).toEqual(['one', 'two']);
    c.stop();
    await c.close();
  });

  it('lets the last event of a file last written longer ago than the timeout go at once', async () => {
    const dir = tempDir();
    const f = join(dir, 'a.log');
    writeFileSync(f, 'E one\n\tat x.y(Z.java:1)\nE two\n\tat x.y(Z.java:2)\n');
    const old = Date.now() / 1000 - 120;
    utimesSync(f, old, old);
    // A 60 s timeout (past the test's own): the file's time says no line came for 120 s.
    const c = new FileCollector(base(dir, { multiline: { mode: 'auto', timeoutMs: 60_000 } }));
    const it = c.batches();
    const seen = await linesOf(it, 2);
    expect(seen).toEqual(['E one\n\tat x.y(Z.java:1)', 'E two\n\tat x.y(Z.java:2)']);
    c.stop();
    await c.close();
  });

  it('holds the last event of a file just written until the timeout', async () => {
    const dir = tempDir();
    const f = join(dir, 'a.log');
    writeFileSync(f, 'E one\nE two\n\tat x.y(Z.java:2)\n');
    const c = new FileCollector(base(dir, { multiline: { mode: 'auto', timeoutMs: 60_000 } }));
    const it = c.batches();
    const first = await it.next();
    expect(first.value?.events.map((e: RawEvent) => e.line)).toEqual(['E one']);
    first.value?.ack();
    // The trace may go on: a continuation written now still joins it.
    appendFileSync(f, '\tat x.y(Z.java:3)\nE three\n');
    const old = Date.now() / 1000 - 120;
    utimesSync(f, old, old);
    const seen = await linesOf(it, 2);
    expect(seen).toEqual(['E two\n\tat x.y(Z.java:2)\n\tat x.y(Z.java:3)', 'E three']);
    c.stop();
    await c.close();
  });
});
