/**
 * The file collector meets what a rotated log directory holds: `.gz` rotations (read once, whole,
 * with the text's identity and offsets), binary files (skipped, named) and text in other encodings.
 */
import { readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { binaryReason } from '../../src/collector/content-sniff.js';
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
    paths: [join(dir, 'app.log*')],
    checkpointPath: join(dir, 'ck', 'collect.json'),
    pollIntervalMs: 20,
    checkpointIntervalMs: 10,
    closeTimeoutMs: 200,
    releaseAfterMs: 200,
    onWarning: () => {},
    ...extra,
  };
}

/**
 * Writes a finished .gz file of `text` (or the compressed bytes `gz` as they are): its time set
 * in the past, as a rotation that is done being written.
 */
function writeGz(path: string, text: Buffer | string | null, gz?: Buffer): void {
  writeFileSync(path, gz ?? gzipSync(text ?? ''));
  const old = new Date(Date.now() - 60_000);
  utimesSync(path, old, old);
}

const key = (e: RawEvent) => `${e.source}|${e.generation}|${e.offset}`;

describe('file collector: .gz rotations', () => {
  it('reads a .gz once, whole, as its text, with the offsets and identity of that text', async () => {
    const dir = tempDir();
    const text = lines('old', 12000);
    writeGz(join(dir, 'app.log.2.gz'), text);
    writeFileSync(join(dir, 'app.log'), lines('new', 3));
    const events = await collectOnce(base(dir, { maxBatchLines: 1000 }));
    const gz = events.filter((e) => e.source.endsWith('app.log.2.gz'));
    expect(gz.map((e) => e.line)).toEqual(text.trimEnd().split('\n'));
    expect(gz[1].offset).toBe(Buffer.byteLength('old line 0\n'));
    expect(events.filter((e) => e.source.endsWith('app.log'))).toHaveLength(3);
    // Read once: a second run (the checkpoint knows it) reads nothing of it again.
    const again = await collectOnce(base(dir));
    expect(again).toHaveLength(0);
  });

  it('does not read again the content of a plain rotation later compressed (logrotate compress)', async () => {
    const dir = tempDir();
    const text = lines('rot', 500);
    writeFileSync(join(dir, 'app.log.1'), text);
    const first = await collectOnce(base(dir));
    expect(first).toHaveLength(500);
    // logrotate: app.log.1 compressed to app.log.2.gz, the plain file removed.
    writeGz(join(dir, 'app.log.2.gz'), readFileSync(join(dir, 'app.log.1')));
    rmSync(join(dir, 'app.log.1'));
    const warnings: string[] = [];
    const second = await collectOnce(base(dir, { onWarning: (m) => warnings.push(m) }));
    expect(second).toHaveLength(0);
    expect(warnings.join('\n')).not.toMatch(/damaged|not text/);

    // One more rotation: the .gz renamed on; still nothing twice.
    renameSync(join(dir, 'app.log.2.gz'), join(dir, 'app.log.3.gz'));
    expect(await collectOnce(base(dir))).toHaveLength(0);
  });

  it('while running: a tailed file rotated and compressed is not read again from its .gz', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, lines('live', 200));
    const c = new FileCollector(base(dir));
    const it = c.batches();
    const events: RawEvent[] = [];
    let pending: Promise<IteratorResult<Batch<RawEvent>>> | null = null;
    const pullFor = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        pending ??= it.next();
        const r = await Promise.race([pending, new Promise<null>((res) => setTimeout(() => res(null), 50))]);
        if (r === null) continue;
        pending = null;
        if (r.done) break;
        events.push(...r.value.events);
        r.value.ack();
      }
    };
    await pullFor(300);
    expect(events).toHaveLength(200);
    // logrotate: rename, new file, then compress the rotated one and remove it.
    renameSync(log, join(dir, 'app.log.1'));
    writeFileSync(log, lines('next', 5));
    await pullFor(300);
    writeGz(join(dir, 'app.log.1.gz'), readFileSync(join(dir, 'app.log.1')));
    rmSync(join(dir, 'app.log.1'));
    await pullFor(1200);
    c.stop();
    await pullFor(100);
    await c.close();
    expect(events).toHaveLength(205);
    expect(new Set(events.map(key)).size).toBe(205);
  });

  it('reads on after the lines read of a file that grew before it was compressed', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.log.1'), lines('a', 100));
    expect(await collectOnce(base(dir))).toHaveLength(100);
    writeGz(join(dir, 'app.log.2.gz'), lines('a', 130));
    rmSync(join(dir, 'app.log.1'));
    const more = await collectOnce(base(dir));
    expect(more.map((e) => e.line)).toEqual(lines('a', 30, 100).trimEnd().split('\n'));
    expect(more[0].offset).toBe(Buffer.byteLength(lines('a', 100)));
    expect(more[0].source).toBe(join(dir, 'app.log.1'));
  });

  it('reads many .gz rotations, one after another, each whole and once', async () => {
    const dir = tempDir();
    for (let n = 1; n <= 6; n++) writeGz(join(dir, `app.log.${n}.gz`), lines(`r${n}`, 700));
    const events = await collectOnce(base(dir, { maxBatchLines: 256 }));
    expect(events).toHaveLength(6 * 700);
    for (let n = 1; n <= 6; n++) {
      const of = events.filter((e) => e.source.endsWith(`app.log.${n}.gz`)).map((e) => e.line);
      expect(of).toEqual(lines(`r${n}`, 700).trimEnd().split('\n'));
    }
  });

  it('waits for a .gz still being written, and reads it once it is quiet', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.log.1.gz'), gzipSync(lines('w', 10))); // just written: mtime now
    const t0 = Date.now();
    const events = await collectOnce(base(dir, { releaseAfterMs: 400 }));
    expect(events).toHaveLength(10);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });

  it('reads the whole lines before damage in a truncated .gz, warns naming it, and reads it no more', async () => {
    const dir = tempDir();
    const text = lines('t', 20000);
    const gz = gzipSync(text);
    const path = join(dir, 'app.log.1.gz');
    writeGz(path, null, gz.subarray(0, Math.floor(gz.length / 2)));
    const warnings: string[] = [];
    const events = await collectOnce(base(dir, { onWarning: (m) => warnings.push(m) }));
    expect(events.length).toBeGreaterThan(100);
    expect(events.length).toBeLessThan(20000);
    expect(events.map((e) => e.line)).toEqual(text.split('\n').slice(0, events.length));
    expect(warnings.join('\n')).toMatch(
      new RegExp(`${path}: damaged gzip data after \\d+ bytes of text \\(unexpected end of file\\)`),
    );
    // Repaired: the rest is read, after what was read (same source and generation).
    writeGz(path, null, gz);
    const rest = await collectOnce(base(dir));
    expect(rest).toHaveLength(20000 - events.length);
    const all = [...events, ...rest];
    expect(new Set(all.map(key)).size).toBe(20000);
  });

  it('reads a file named .gz that is really text as text, and skips a .gz of a binary', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.log.1.gz'), lines('plain', 4));
    writeGz(join(dir, 'app.log.2.gz'), readFileSync(process.execPath).subarray(0, 200_000));
    const warnings: string[] = [];
    const events = await collectOnce(base(dir, { onWarning: (m) => warnings.push(m) }));
    expect(events.map((e) => e.line)).toEqual(lines('plain', 4).trimEnd().split('\n'));
    expect(warnings.filter((w) => !w.startsWith('no checkpoint'))).toEqual([
      `${join(dir, 'app.log.2.gz')}: skipped, not text (decompressed, a NUL byte in its first line)`,
    ]);
  });

  it('joins multi-line events in a .gz like in a plain file', async () => {
    const dir = tempDir();
    const trace = [
      '2026-11-27 12:00:01,000 ERROR [main] c.e.App - failed',
      'java.lang.IllegalStateException: boom',
      '\tat com.example.App.main(App.java:10)',
      '2026-11-27 12:00:02,000 INFO  [main] c.e.App - next',
    ];
    writeGz(join(dir, 'app.log.1.gz'), `${trace.join('\n')}\n`);
    const events = await collectOnce(base(dir, { multiline: { mode: 'auto' } }));
    expect(events.map((e) => e.line)).toEqual([trace.slice(0, 3).join('\n'), trace[3]]);
  });
});

describe('file collector: binary files', () => {
  it('skips an executable with one warning naming it, and reads UTF-8 and Latin-1 text', async () => {
    const dir = tempDir();
    const exe = join(dir, 'app.log.bin');
    writeFileSync(exe, readFileSync(process.execPath).subarray(0, 200_000));
    const utf8 = `${Array.from({ length: 200 }, (_, i) => `Ünïcödé ✓ 日本語 ${i} — ñandú`).join('\n')}\n`;
    writeFileSync(join(dir, 'app.log.utf8'), utf8);
    writeFileSync(join(dir, 'app.log.latin1'), Buffer.from('café crème\ndéjà vu\n', 'latin1'));
    const warnings: string[] = [];
    const opts = base(dir, { onWarning: (m) => warnings.push(m) });
    const events = await collectOnce(opts);
    expect(warnings.filter((w) => w.includes('not text'))).toEqual([
      `${exe}: skipped, not text (a NUL byte in its first line)`,
    ]);
    expect(events.filter((e) => e.source === exe)).toHaveLength(0);
    expect(events.filter((e) => e.source.endsWith('utf8')).map((e) => e.line)).toEqual(
      utf8.trimEnd().split('\n'),
    );
    expect(events.filter((e) => e.source.endsWith('latin1')).map((e) => e.line)).toEqual([
      'caf\uFFFD cr\uFFFDme',
      'd\uFFFDj\uFFFD vu',
    ]);
  });

  it('tells binary from text by the first line and the share of invalid UTF-8', () => {
    expect(binaryReason(readFileSync(process.execPath).subarray(0, 65536))).toBe(
      'a NUL byte in its first line',
    );
    expect(binaryReason(Buffer.from('utf-16'.split('').join('\u0000'), 'latin1'))).not.toBeNull();
    const random = Buffer.alloc(65536);
    for (let i = 0; i < random.length; i++) random[i] = 0x80 + ((i * 7919) % 128);
    expect(binaryReason(random)).toMatch(/^\d+% of its first 64 KiB is not UTF-8$/);
    expect(binaryReason(Buffer.from('ok 1\n\u0000garbage\n', 'latin1'))).toBeNull(); // NULs later: a log's own
    expect(binaryReason(Buffer.from('naïve café – 日本語\n'.repeat(1000)))).toBeNull();
    expect(binaryReason(Buffer.from('café crème brûlée\n'.repeat(1000), 'latin1'))).toBeNull();
  });
});
