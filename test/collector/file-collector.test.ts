import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectOnce, FileCollector, type FileCollectorOptions } from '../../src/collector/index.js';
import type { Batch, RawEvent } from '../../src/core/events.js';
import { tempDir } from '../helpers/cli.js';

function lines(prefix: string, n: number, from = 0): string {
  let s = '';
  for (let i = from; i < from + n; i++) s += `${prefix} line ${i}\n`;
  return s;
}

function base(dir: string, extra: Partial<FileCollectorOptions> = {}): FileCollectorOptions {
  return {
    paths: [join(dir, '*.log')],
    checkpointPath: join(dir, 'ck', 'collect.json'),
    pollIntervalMs: 20,
    checkpointIntervalMs: 10,
    closeTimeoutMs: 200,
    onWarning: () => {},
    ...extra,
  };
}

/** Pulls batches from a running collector until `until` holds, acking each (unless told not to). */
async function pull(
  it: AsyncGenerator<Batch<RawEvent>>,
  until: (events: RawEvent[]) => boolean,
  ack = true,
): Promise<{ events: RawEvent[]; batches: Batch<RawEvent>[] }> {
  const events: RawEvent[] = [];
  const batches: Batch<RawEvent>[] = [];
  while (!until(events)) {
    const r = await it.next();
    if (r.done) break;
    batches.push(r.value);
    events.push(...r.value.events);
    if (ack) r.value.ack();
  }
  return { events, batches };
}

describe('FileCollector', () => {
  it('reads files from the beginning with offsets, source and generation', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), 'one\ntwo\r\nthree\n');
    const events = await collectOnce(base(dir, { service: 'api', format: 'json', host: 'h1' }));
    expect(events.map((e) => [e.line, e.offset])).toEqual([
      ['one', 0],
      ['two', 4],
      ['three', 9],
    ]);
    expect(events[0].source).toBe(join(dir, 'a.log'));
    expect(events[0].generation).toMatch(/^[0-9a-f]{16}$/);
    expect(events[0]).toMatchObject({ service: 'api', format: 'json', host: 'h1' });
    expect(new Set(events.map((e) => e.generation)).size).toBe(1);
  });

  it('starts at the end when told to, and reads only what is appended', async () => {
    const dir = tempDir();
    const f = join(dir, 'a.log');
    writeFileSync(f, lines('old', 10));
    const c = new FileCollector(base(dir, { startAt: 'end' }));
    const it = c.batches();
    const first = it.next();
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(f, lines('new', 3));
    const r = await first;
    const { events } = await pull(it, (ev) => ev.length + r.value!.events.length >= 3);
    const all = [...r.value!.events, ...events];
    expect(all.map((e) => e.line)).toEqual(['new line 0', 'new line 1', 'new line 2']);
    expect(all[0].offset).toBe(Buffer.byteLength(lines('old', 10)));
    c.stop();
    await c.close();
  });

  it('discovers new files while running, including in new subdirectories with **', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), lines('a', 2));
    const c = new FileCollector(base(dir, { paths: [join(dir, '**/*.log')], exclude: ['skip*.log'] }));
    const it = c.batches();
    const got = await pull(it, (ev) => ev.length >= 2);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'sub', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'deep', 'b.log'), lines('b', 3));
    writeFileSync(join(dir, 'sub', 'skip-me.log'), lines('x', 3));
    writeFileSync(join(dir, 'c.txt'), lines('c', 3));
    const more = await pull(it, (ev) => ev.length >= 3);
    expect(got.events.map((e) => e.line)).toEqual(['a line 0', 'a line 1']);
    expect(more.events.map((e) => e.line)).toEqual(['b line 0', 'b line 1', 'b line 2']);
    expect(more.events[0].source).toBe(join(dir, 'sub', 'deep', 'b.log'));
    expect(c.stats().files).toBe(2);
    c.stop();
    await c.close();
  });

  it('continues after a restart from the checkpoint with no duplicate offsets', async () => {
    const dir = tempDir();
    const f = join(dir, 'a.log');
    writeFileSync(f, lines('x', 100));
    const one = await collectOnce(base(dir));
    expect(one).toHaveLength(100);
    appendFileSync(f, lines('x', 50, 100));
    const two = await collectOnce(base(dir));
    expect(two.map((e) => e.line)).toEqual(lines('x', 50, 100).trimEnd().split('\n'));
    expect(two[0].generation).toBe(one[0].generation);
    expect(two[0].source).toBe(one[0].source);
    const offsets = new Set([...one, ...two].map((e) => e.offset));
    expect(offsets.size).toBe(150);
    expect(await collectOnce(base(dir))).toEqual([]);
  });

  it('advances the checkpoint only for acknowledged batches, in order', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), lines('x', 30));
    const c = new FileCollector(base(dir, { maxBatchLines: 10 }));
    const it = c.batches();
    const { batches } = await pull(it, (ev) => ev.length >= 30, false);
    expect(batches).toHaveLength(3);
    batches[0].ack();
    batches[2].ack(); // out of order: the checkpoint may not pass batch 1
    c.stop();
    await c.close(); // batch 1 never acked: close gives up after closeTimeoutMs
    const again = await collectOnce(base(dir));
    expect(again.map((e) => e.line)).toEqual(lines('x', 20, 10).trimEnd().split('\n'));
  });

  it('re-reads everything not acknowledged when the process dies before the ack', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), lines('x', 10));
    const c = new FileCollector(base(dir));
    const it = c.batches();
    const { events } = await pull(it, (ev) => ev.length >= 10, false);
    expect(events).toHaveLength(10);
    c.stop(); // no close(): as if killed
    const again = await collectOnce(base(dir));
    expect(again).toHaveLength(10);
    await c.close();
  });

  it('treats a corrupt checkpoint as missing: warns and restarts from the beginning', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), lines('x', 5));
    await collectOnce(base(dir));
    const ck = join(dir, 'ck', 'collect.json');
    const text = readFileSync(ck, 'utf8');
    for (const bad of [
      text.slice(0, text.length - 7),
      'garbage\u0000\u0001',
      text.replace('"offset":', '"offset":1'),
      '',
    ]) {
      writeFileSync(ck, bad);
      const warnings: string[] = [];
      const again = await collectOnce(base(dir, { startAt: 'end', onWarning: (m) => warnings.push(m) }));
      expect(again).toHaveLength(5);
      expect(warnings.join('\n')).toMatch(/checkpoint .* is corrupt/);
    }
  });

  it('warns when the checkpoint is missing and writes one atomically', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), lines('x', 5));
    const warnings: string[] = [];
    await collectOnce(base(dir, { onWarning: (m) => warnings.push(m) }));
    expect(warnings.join('\n')).toMatch(/no checkpoint/);
    const ck = join(dir, 'ck', 'collect.json');
    expect(existsSync(ck)).toBe(true);
    expect(readFileSync(ck, 'utf8').split('\n')[0]).toMatch(/"sha256":"[0-9a-f]{64}"/);
  });

  it('cuts a long line, flags it and keeps the following lines intact', async () => {
    const dir = tempDir();
    const long = 'y'.repeat(3000);
    writeFileSync(join(dir, 'a.log'), `before\n${long}\nafter\n`);
    const events = await collectOnce(base(dir, { maxLineBytes: 1000 }));
    expect(events.map((e) => [e.line.length, e.truncated ?? false])).toEqual([
      [6, false],
      [1000, true],
      [5, false],
    ]);
    expect(events[2]).toMatchObject({ line: 'after', offset: 7 + 3001 });
  });

  it('cuts a line spanning many reads (10 MiB) without holding it whole', async () => {
    const dir = tempDir();
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    writeFileSync(join(dir, 'a.log'), Buffer.concat([Buffer.from('a\n'), big, Buffer.from('\nb\n')]));
    const events = await collectOnce(base(dir));
    expect(events.map((e) => [e.line.length, e.truncated ?? false, e.offset])).toEqual([
      [1, false, 0],
      [1024 * 1024, true, 2],
      [1, false, 2 + big.length + 1],
    ]);
  });

  it('resumes inside an over-long line after a restart without emitting its rest', async () => {
    const dir = tempDir();
    const f = join(dir, 'a.log');
    writeFileSync(f, `a\n${'z'.repeat(500)}`);
    const one = await collectOnce(base(dir, { maxLineBytes: 100 }));
    expect(one.map((e) => e.truncated ?? false)).toEqual([false, true]);
    appendFileSync(f, `${'z'.repeat(500)}\nb\n`);
    const two = await collectOnce(base(dir, { maxLineBytes: 100 }));
    expect(two.map((e) => e.line)).toEqual(['b']);
  });

  it('replaces invalid UTF-8 and keeps going past NUL bytes and binary garbage', async () => {
    const dir = tempDir();
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x00, 0xc3, 0x28, 0x80, 0x00]);
    writeFileSync(
      join(dir, 'a.log'),
      Buffer.concat([
        Buffer.from('ok 1\n'),
        garbage,
        Buffer.from('\n\u0000\u0000nul\n'),
        Buffer.from('ok 2\n'),
      ]),
    );
    const events = await collectOnce(base(dir));
    expect(events).toHaveLength(4);
    expect(events[1].line).toContain('\uFFFD');
    expect(events[2].line).toBe('\u0000\u0000nul');
    expect(events[3].line).toBe('ok 2');
  });

  it('holds an unterminated last line until its newline arrives', async () => {
    const dir = tempDir();
    const f = join(dir, 'a.log');
    writeFileSync(f, 'one\ntw');
    expect((await collectOnce(base(dir))).map((e) => e.line)).toEqual(['one']);
    appendFileSync(f, 'o\n');
    expect((await collectOnce(base(dir))).map((e) => [e.line, e.offset])).toEqual([['two', 4]]);
  });

  it('emits an unterminated last line at shutdown once its file has been quiet', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), 'one\ntwo');
    const events = await collectOnce(base(dir, { partialLineFlushMs: 0 }));
    expect(events.map((e) => e.line)).toEqual(['one', 'two']);
    expect(await collectOnce(base(dir, { partialLineFlushMs: 0 }))).toEqual([]);
  });

  it('stops reading at maxBatchesInFlight until acks come back', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), lines('x', 1000));
    const c = new FileCollector(base(dir, { maxBatchLines: 10, maxBatchesInFlight: 3 }));
    const it = c.batches();
    const held: Batch<RawEvent>[] = [];
    for (let i = 0; i < 3; i++) held.push((await it.next()).value as Batch<RawEvent>);
    const next = it.next();
    const raced = await Promise.race([
      next.then(() => 'read'),
      new Promise((r) => setTimeout(() => r('blocked'), 150)),
    ]);
    expect(raced).toBe('blocked');
    expect(c.stats()).toMatchObject({ pendingBatches: 3, lines: 30 });
    // Only the batch that fills the window says reading waits on its ack (the store appends it at once).
    expect(held.map((b) => b.waited === true)).toEqual([false, false, true]);
    held[0].ack();
    const r = await next;
    expect(r.value!.events[0].line).toBe('x line 30');
    expect(r.value!.waited).toBe(true);
    expect(c.stats().pendingBatches).toBe(3);
    c.stop();
    await c.close();
  });

  it('follows a renamed file and a new file at the old path (rename rotation)', async () => {
    const dir = tempDir();
    const f = join(dir, 'app.log');
    writeFileSync(f, lines('first', 5));
    const c = new FileCollector(base(dir, { paths: [join(dir, 'app.log*')], releaseAfterMs: 0 }));
    const it = c.batches();
    const one = await pull(it, (ev) => ev.length >= 5);
    appendFileSync(f, lines('first', 2, 5));
    renameSync(f, `${f}.1`);
    writeFileSync(f, 'first line 0\nsecond file 1\nsecond file 2\n'); // same first line, new content
    const two = await pull(it, (ev) => ev.length >= 5);
    const byGen = new Map<string, string[]>();
    for (const e of [...one.events, ...two.events])
      byGen.set(`${e.source} ${e.generation}`, [...(byGen.get(`${e.source} ${e.generation}`) ?? []), e.line]);
    expect([...byGen.values()].map((v) => v.length).sort()).toEqual([3, 7]);
    expect(new Set([...one.events, ...two.events].map((e) => e.source))).toEqual(new Set([f]));
    c.stop();
    await c.close();
    rmSync(`${f}.1`);
  });

  it('rejects bad options with the option named', () => {
    expect(() => new FileCollector({ paths: [], checkpointPath: 'x' })).toThrow(/paths/);
    expect(() => new FileCollector({ paths: ['a'], checkpointPath: 'x', maxBatchLines: 0 })).toThrow(
      /maxBatchLines/,
    );
    expect(() => new FileCollector({ paths: ['a'], checkpointPath: '' })).toThrow(/checkpointPath/);
  });
});

describe('FileCollector multi-line', () => {
  it('joins stack traces and keeps the checkpoint before a pending event', async () => {
    const dir = tempDir();
    const f = join(dir, 'a.log');
    writeFileSync(f, 'E one\n\tat x\n\tat y\nI two\n');
    const o = base(dir, { multiline: { mode: 'java', timeoutMs: 60_000 } });
    // "I two" is pending (it may still continue): not emitted, the checkpoint stays before it.
    const c = new FileCollector(o);
    const { events } = await pull(c.batches(), (ev) => ev.length >= 1);
    expect(events.map((e) => e.line)).toEqual(['E one\n\tat x\n\tat y']);
    c.stop();
    await c.close();
    appendFileSync(f, '\tat z\nI three\n');
    // With `once`, shutdown flushes the last pending event.
    const two = await collectOnce(o);
    expect(two.map((e) => [e.line, e.offset])).toEqual([
      ['I two\n\tat z', 18],
      ['I three', 30],
    ]);
    expect(await collectOnce(o)).toEqual([]);
  });

  it('hands out its batches as blocks of the bytes read, which decode to exactly the lines', async () => {
    const dir = tempDir();
    // Over one read buffer (256 KiB) of lines, with CRLF endings, non-ASCII lines and an
    // over-long line among them.
    let text = '';
    const expected: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const line =
        i % 2999 === 0 ? `x ${'é'.repeat(20)} ${i}` : i % 13 === 0 ? `crlf ${i}` : `${'a'.repeat(40)} ${i}`;
      text += `${line}${i % 13 === 0 ? '\r\n' : '\n'}`;
      expected.push(line);
      if (i === 3000) {
        text += `${'z'.repeat(300)}\n`;
        expected.push('z'.repeat(200));
      }
    }
    writeFileSync(join(dir, 'a.log'), text);
    const c = new FileCollector(
      base(dir, { maxBatchLines: 700, maxLineBytes: 200, once: true, releaseAfterMs: 0 }),
    );
    const lines: string[] = [];
    let blocks = 0;
    let ascii = 0;
    let cut = 0;
    for await (const b of c.batches()) {
      expect(b.lines).toBeDefined();
      const block = b.lines!;
      const { count } = block;
      if (block.ascii) ascii++;
      expect(count).toBeLessThanOrEqual(700);
      expect(b.events).toHaveLength(count);
      // Decoded, it is a batch of events; the block's memory serves the next block.
      expect(b.lines).toBeUndefined();
      blocks++;
      for (const e of b.events) {
        lines.push(e.line);
        if (e.truncated) cut++;
      }
      b.ack();
    }
    await c.close();
    expect(lines).toEqual(expected);
    expect(cut).toBe(1);
    // Only the blocks holding one of the three lines with é are decoded line by line.
    expect(blocks - ascii).toBeLessThanOrEqual(3);
    expect(ascii).toBeGreaterThan(0);
  });

  it('hands out joined lines as events, not as a block', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), 'E one\n\tat x\nE two\n');
    const c = new FileCollector(base(dir, { multiline: { mode: 'java', timeoutMs: 10 }, once: true }));
    const lines: string[] = [];
    for await (const b of c.batches()) {
      expect(b.lines).toBeUndefined();
      for (const e of b.events) lines.push(e.line);
      b.ack();
    }
    await c.close();
    expect(lines).toEqual(['E one\n\tat x', 'E two']);
  });

  it('emits a pending event after its quiet timeout while following', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), 'E one\n\tat x\n');
    const c = new FileCollector(base(dir, { multiline: { mode: 'java', timeoutMs: 50 } }));
    const it = c.batches();
    const { events } = await pull(it, (ev) => ev.length >= 1);
    expect(events.map((e) => e.line)).toEqual(['E one\n\tat x']);
    c.stop();
    await c.close();
  });
});

describe('FileCollector stats', () => {
  it('counts cut lines and bytes read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), `ok\n${'z'.repeat(50)}\nok\n`);
    const c = new FileCollector(base(dir, { maxLineBytes: 10, once: true }));
    for await (const b of c.batches()) b.ack();
    await c.close();
    expect(c.stats()).toMatchObject({ lines: 3, bytes: 57, linesTruncated: 1, pendingBatches: 0 });
  });
});

describe('FileCollector with nothing to read', () => {
  it('says so once when no file matches at start, and picks files up when they appear', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const c = new FileCollector(base(dir, { onWarning: (m) => warnings.push(m) }));
    const it = c.batches();
    const next = it.next();
    await new Promise((r) => setTimeout(r, 60));
    writeFileSync(join(dir, 'late.log'), 'hello\n');
    expect(((await next).value as Batch<RawEvent>).events[0].line).toBe('hello');
    expect(warnings.filter((w) => w.includes('no files match'))).toHaveLength(1);
    c.stop();
    await c.close();
  });
});
