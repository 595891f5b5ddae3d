import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { createFakeClock } from '../../src/generator/clock.js';
import { GENERATOR_FORMATS, type GenerateOptions, generate } from '../../src/generator/index.js';
import { lineChecksum, readManifest, subtractChecksum } from '../../src/generator/manifest.js';
import { createRng, nextInt } from '../../src/generator/prng.js';
import { spreadFileNames } from '../../src/generator/run.js';
import { createSchedule } from '../../src/generator/schedule.js';
import { tempDir } from '../helpers/cli.js';
import { captureStream } from './helpers.js';

const START = Date.UTC(2026, 0, 1);

function toStream(o: Omit<GenerateOptions, 'output'>) {
  const cap = captureStream(o.clock);
  return { cap, run: generate({ ...o, output: { kind: 'stream', stream: cap.stream } }) };
}

describe('generate: reproducibility', () => {
  it.each(GENERATOR_FORMATS)(
    '%s: the same seed and start time give byte-identical output',
    async (format) => {
      const a = toStream({ format, rate: 1000, count: 3000, seed: 11, startTime: START });
      const b = toStream({ format, rate: 1000, count: 3000, seed: 11, startTime: START });
      await Promise.all([a.run, b.run]);
      expect(a.cap.buffer().length).toBeGreaterThan(0);
      expect(a.cap.buffer().equals(b.cap.buffer())).toBe(true);
    },
  );

  it('a different seed gives different output', async () => {
    const a = toStream({ format: 'json', rate: 'max', count: 100, seed: 1, startTime: START });
    const b = toStream({ format: 'json', rate: 'max', count: 100, seed: 2, startTime: START });
    await Promise.all([a.run, b.run]);
    expect(a.cap.text()).not.toBe(b.cap.text());
  });
});

describe('generate: backfill with a start time', () => {
  it('advances timestamps at the rate from the start, without sleeping', async () => {
    const clock = createFakeClock();
    const { cap, run } = toStream({ format: 'json', rate: 10, count: 50, seed: 1, startTime: START, clock });
    const s = await run;
    expect(s.lines).toBe(50);
    expect(clock.sleeps).toEqual([]);
    const ts = cap
      .text()
      .trimEnd()
      .split('\n')
      .map((l) => Date.parse(JSON.parse(l).ts));
    expect(ts).toEqual(Array.from({ length: 50 }, (_, i) => START + i * 100));
  });

  it('with a duration, writes the lines that fall inside it', async () => {
    const { cap, run } = toStream({
      format: 'json',
      rate: 10,
      durationMs: 60_000,
      seed: 1,
      startTime: START,
    });
    expect((await run).lines).toBe(600);
    const last = JSON.parse(cap.text().trimEnd().split('\n').pop()!);
    expect(Date.parse(last.ts)).toBe(START + 59_900);
  });

  it('with rate max, spreads timestamps 1 ms apart', async () => {
    const { cap, run } = toStream({ format: 'json', rate: 'max', count: 3, seed: 1, startTime: START });
    await run;
    const ts = cap
      .text()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).ts);
    expect(ts).toEqual([
      '2026-01-01T00:00:00.000000Z',
      '2026-01-01T00:00:00.001000Z',
      '2026-01-01T00:00:00.002000Z',
    ]);
  });
});

describe('generate: rate control on a fake clock', () => {
  it('has exactly the due number of lines written at every moment', async () => {
    const clock = createFakeClock({ wallStart: START });
    const { cap, run } = toStream({ format: 'apache_combined', rate: 10, count: 100, seed: 1, clock });
    const s = await run;
    expect(s.lines).toBe(100);
    const sched = createSchedule(10);
    for (const w of cap.writes) expect(w.lines).toBe(Math.min(100, sched.dueBy(w.at)));
    expect(cap.writes.at(-1)!.at).toBe(9_900);
    expect(s.elapsedMs).toBe(9_900);
  });

  it('sleeps until the next line is due instead of per line', async () => {
    const clock = createFakeClock();
    const { run } = toStream({ format: 'json', rate: 0.5, count: 4, seed: 1, clock });
    await run;
    expect(clock.sleeps).toEqual([2000, 2000, 2000]);
  });

  it('does not drift over a long run with jittery, oversleeping timers', async () => {
    const jitter = createRng(5);
    const clock = createFakeClock({ wallStart: START, oversleep: () => nextInt(jitter, 400) });
    const durationMs = 2 * 3600_000;
    const { cap, run } = toStream({ format: 'apache_combined', rate: 50, durationMs, seed: 1, clock });
    const s = await run;
    // Two simulated hours at 50 lines/s: exactly 360,000 lines, whatever the timers did.
    expect(s.lines).toBe(360_000);
    const sched = createSchedule(50);
    const wrong = cap.writes.filter((w) => w.lines !== Math.min(360_000, sched.dueBy(w.at)));
    expect(wrong).toEqual([]);
    expect(s.elapsedMs).toBeGreaterThanOrEqual(durationMs);
    expect(s.elapsedMs).toBeLessThan(durationMs + 400);
  });

  it('stamps live lines with the time they were due', async () => {
    const clock = createFakeClock({ wallStart: START, oversleep: () => 37 });
    const { cap, run } = toStream({ format: 'json', rate: 4, count: 8, seed: 1, clock });
    await run;
    const ts = cap
      .text()
      .trimEnd()
      .split('\n')
      .map((l) => Date.parse(JSON.parse(l).ts));
    expect(ts).toEqual(Array.from({ length: 8 }, (_, i) => START + i * 250));
  });

  it('lasts the whole duration even when the last line is due earlier', async () => {
    const clock = createFakeClock();
    const s = await toStream({ format: 'json', rate: 2, durationMs: 3_000, seed: 1, clock }).run;
    expect(s.lines).toBe(6);
    expect(s.elapsedMs).toBe(3_000);
    expect(s.rate).toBe(2);
  });

  it('follows bursts: the rate multiplies inside each burst window', async () => {
    const clock = createFakeClock();
    const burst = { everyMs: 10_000, lengthMs: 2_000, factor: 5 };
    const { cap, run } = toStream({ format: 'json', rate: 10, durationMs: 30_000, seed: 1, clock, burst });
    const s = await run;
    expect(s.lines).toBe(100 + 100 + 80 + 100 + 80);
    const at = (t: number) => cap.writes.filter((w) => w.at <= t).at(-1)!.lines;
    expect(at(11_999) - at(9_999)).toBeGreaterThanOrEqual(99);
  });

  it('reports progress about once a second', async () => {
    const clock = createFakeClock();
    const seen: number[] = [];
    await generate({
      format: 'json',
      rate: 100,
      count: 500,
      seed: 1,
      clock,
      output: { kind: 'stream', stream: captureStream().stream },
      onProgress: (p) => seen.push(p.lines),
    });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  });
});

describe('generate: stopping', () => {
  it('with rate max and a duration, stops when the (real) time is up', async () => {
    const t0 = performance.now();
    const s = await generate({
      format: 'app',
      rate: 'max',
      durationMs: 150,
      output: { kind: 'stream', stream: captureStream().stream },
    });
    expect(s.lines).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(s.elapsedMs).toBeLessThan(10_000);
  });

  it('with count 0, writes nothing and a manifest that says so', async () => {
    const dir = tempDir();
    const manifest = join(dir, 'm.json');
    const s = await generate({
      format: 'json',
      rate: 5,
      count: 0,
      output: { kind: 'file', path: join(dir, 'x.log') },
      manifest,
    });
    expect(s.lines).toBe(0);
    const m = readManifest(manifest);
    expect(m).toMatchObject({ complete: true, first_ts: null, last_ts: null });
    expect(m.total).toMatchObject({ lines: 0, bytes: 0, checksum: '0000000000000000' });
  });

  it('stops cleanly on abort, flushing what was generated', async () => {
    const ac = new AbortController();
    let got = 0;
    const stream = new Writable({
      write(chunk: Buffer, _e, cb) {
        got += chunk.length;
        if (got > 100_000) ac.abort();
        cb();
      },
    });
    const s = await generate({
      format: 'json',
      rate: 'max',
      output: { kind: 'stream', stream },
      signal: ac.signal,
    });
    expect(s.lines).toBeGreaterThan(0);
    expect(s.bytes).toBe(got);
  });

  it('stops quietly when the reader goes away (EPIPE)', async () => {
    let writes = 0;
    const stream = new Writable({
      write(_c, _e, cb) {
        if (++writes === 3) cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        else cb();
      },
    });
    const s = await generate({ format: 'json', rate: 'max', output: { kind: 'stream', stream } });
    expect(s.lines).toBeGreaterThan(0);
  });

  it('rejects with the error when the output fails otherwise', async () => {
    const stream = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('disk on fire'), { code: 'EIO' }));
      },
    });
    await expect(
      generate({ format: 'json', rate: 'max', output: { kind: 'stream', stream } }),
    ).rejects.toThrow('disk on fire');
  });
});

describe('generate: file output', () => {
  it('appends to the file', async () => {
    const path = join(tempDir(), 'app.log');
    const a = await generate({
      format: 'apache_combined',
      rate: 'max',
      count: 1000,
      seed: 3,
      output: { kind: 'file', path },
    });
    const b = await generate({
      format: 'json',
      rate: 'max',
      count: 500,
      seed: 3,
      output: { kind: 'file', path },
    });
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n').length - 1).toBe(1500);
    expect(Buffer.byteLength(text)).toBe(a.bytes + b.bytes);
    expect(text.split('\n')[1000].startsWith('{"ts":')).toBe(true);
  });

  it('names the file when it cannot be opened', async () => {
    const blocker = join(tempDir(), 'blocker');
    writeFileSync(blocker, '');
    const path = join(blocker, 'app.log');
    await expect(
      generate({ format: 'json', rate: 1, count: 1, output: { kind: 'file', path } }),
    ).rejects.toThrow(/cannot open output file .*blocker.*ENOTDIR/);
  });
});

describe('generate: validation', () => {
  const base: GenerateOptions = { format: 'json', rate: 10, count: 1, output: { kind: 'stdout' } };
  it.each([
    [{ format: 'nope' }, /unknown format "nope": expected one of apache_common, apache_combined, .*, mixed/],
    [{ rate: 0 }, /rate must be a positive number/],
    [{ rate: Number.NaN }, /rate must be a positive number/],
    [{ count: -1 }, /count must be a whole number/],
    [{ count: 1.5 }, /count must be a whole number/],
    [{ durationMs: 0 }, /duration must be a positive/],
    [{ seed: 1.5 }, /seed must be a whole number/],
    [{ startTime: Number.NaN }, /start time/],
    [{ burst: { everyMs: 1000, lengthMs: 2000, factor: 2 } }, /burst length/],
  ] as [Partial<GenerateOptions>, RegExp][])('rejects %o up front', async (patch, message) => {
    const err = await generate({ ...base, ...patch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });
});

/** Every newline-terminated line of the given files, as raw bytes. */
function linesOf(paths: string[]): Buffer[] {
  const out: Buffer[] = [];
  for (const p of paths) {
    const raw = readFileSync(p);
    for (let s = 0, i = raw.indexOf(10); i !== -1; s = i + 1, i = raw.indexOf(10, s))
      out.push(raw.subarray(s, i));
  }
  return out;
}

/** The base file and its rotated pieces, oldest first. */
function pieces(path: string): string[] {
  const dir = join(path, '..');
  const base = path.slice(dir.length + 1);
  const rotated = readdirSync(dir)
    .filter((f) => f.startsWith(`${base}.`) && /\.\d+$/.test(f))
    .sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()));
  return [...rotated.map((f) => join(dir, f)), path];
}

describe('rotation and the manifest', () => {
  it.each(['rename', 'copytruncate'] as const)(
    '%s: the pieces hold every line once, as the manifest says',
    async (mode) => {
      const dir = tempDir();
      const path = join(dir, 'app.log');
      const manifest = join(dir, 'manifest.json');
      const s = await generate({
        format: 'json',
        rate: 'max',
        count: 5000,
        seed: 9,
        startTime: START,
        output: { kind: 'file', path },
        rotate: { maxLines: 700, mode, keep: 20 },
        manifest,
      });
      const files = pieces(path);
      expect(files).toHaveLength(Math.ceil(5000 / 700));
      for (const f of files.slice(0, -1)) expect(readFileSync(f, 'utf8').split('\n').length - 1).toBe(700);
      const lines = linesOf(files);
      expect(lines).toHaveLength(5000);
      // In order across the pieces, oldest first: timestamps never go back.
      const ts = lines.map((l) => JSON.parse(l.toString()).ts as string);
      expect([...ts].sort()).toEqual(ts);
      const m = readManifest(manifest);
      expect(m.complete).toBe(true);
      expect(m.files[path]).toMatchObject({ lines: 5000, bytes: s.bytes, rotations: files.length - 1 });
      expect(m.files[path].checksum).toBe(lineChecksum(lines));
      expect(m.total.checksum).toBe(m.files[path].checksum);
      expect(m.first_ts).toBe('2026-01-01T00:00:00.000000Z');
    },
  );

  it('rotates by size, keeping only the newest pieces', async () => {
    const path = join(tempDir(), 'web.log');
    await generate({
      format: 'apache_combined',
      rate: 'max',
      count: 3000,
      seed: 1,
      output: { kind: 'file', path },
      rotate: { maxBytes: 50_000, mode: 'rename', keep: 2 },
    });
    expect(existsSync(`${path}.2`)).toBe(true);
    expect(existsSync(`${path}.3`)).toBe(false);
    const size = readFileSync(`${path}.1`).length;
    expect(size).toBeGreaterThanOrEqual(50_000);
    expect(size).toBeLessThan(51_000);
  });

  it('rotates on event-time intervals', async () => {
    const path = join(tempDir(), 'iv.log');
    await generate({
      format: 'app',
      rate: 2,
      count: 240,
      seed: 1,
      startTime: START,
      output: { kind: 'file', path },
      rotate: { intervalMs: 60_000, mode: 'rename', keep: 5 },
    });
    expect(pieces(path).map((p) => readFileSync(p, 'utf8').split('\n').length - 1)).toEqual([120, 120]);
    expect(readFileSync(`${path}.1`, 'utf8')).toMatch(/^\[2026-01-01T00:00:00\.000Z\]/);
    expect(readFileSync(path, 'utf8')).toMatch(/^\[2026-01-01T00:01:00\.000Z\]/);
  });

  it('counts a multi-line record once, hashing it with its inner newlines', async () => {
    const dir = tempDir();
    const manifest = join(dir, 'm.json');
    await generate({
      format: 'java',
      rate: 'max',
      count: 400,
      seed: 4,
      levelWeights: { error: 1, debug: 0, info: 0, warn: 0 },
      output: { kind: 'file', path: join(dir, 'j.log') },
      manifest,
    });
    const m = readManifest(manifest);
    const text = readFileSync(join(dir, 'j.log'), 'utf8');
    const records = text.trimEnd().split(/\n(?=\d{4}-)/);
    expect(records).toHaveLength(400);
    expect(m.total.multiline).toBe(records.filter((r) => r.includes('\n')).length);
    expect(m.total.multiline).toBeGreaterThan(100);
    expect(m.total.checksum).toBe(lineChecksum(records));
  });
});

describe('several files', () => {
  it('names them after the output', () => {
    expect(spreadFileNames('/x/app.log', 3)).toEqual(['/x/app-1.log', '/x/app-2.log', '/x/app-3.log']);
    expect(spreadFileNames('/x/app', 2)).toEqual(['/x/app-1', '/x/app-2']);
    expect(spreadFileNames('/x/app.log', 1)).toEqual(['/x/app.log']);
  });

  it('spreads lines over them; the manifest has each and their total', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    const manifest = join(dir, 'm.json');
    await generate({
      format: 'logfmt',
      rate: 'max',
      count: 3000,
      seed: 3,
      output: { kind: 'file', path },
      files: 3,
      manifest,
    });
    const m = readManifest(manifest);
    const names = spreadFileNames(path, 3);
    expect(Object.keys(m.files)).toEqual(names);
    let total = 0;
    for (const n of names) {
      const lines = linesOf([n]);
      expect(lines.length).toBeGreaterThan(800);
      expect(m.files[n].lines).toBe(lines.length);
      expect(m.files[n].checksum).toBe(lineChecksum(lines));
      total += lines.length;
    }
    expect(total).toBe(3000);
    expect(m.total.checksum).toBe(lineChecksum(linesOf(names)));
  });

  it('does not change the content: the same lines as one file, in the same order', async () => {
    const dir = tempDir();
    await generate({
      format: 'json',
      rate: 'max',
      count: 500,
      seed: 3,
      startTime: START,
      output: { kind: 'file', path: join(dir, 'one.log') },
    });
    await generate({
      format: 'json',
      rate: 'max',
      count: 500,
      seed: 3,
      startTime: START,
      output: { kind: 'file', path: join(dir, 'two.log') },
      files: 2,
    });
    const one = readFileSync(join(dir, 'one.log'), 'utf8').trimEnd().split('\n');
    const two = [...linesOf(spreadFileNames(join(dir, 'two.log'), 2))].map(String).sort();
    expect(two).toEqual([...one].sort());
  });
});

describe('noise', () => {
  it('writes blank, overlong and invalid UTF-8 lines at the asked shares, accounted apart', async () => {
    const dir = tempDir();
    const path = join(dir, 'n.log');
    const manifest = join(dir, 'm.json');
    await generate({
      format: 'json',
      rate: 'max',
      count: 20_000,
      seed: 8,
      output: { kind: 'file', path },
      noise: { blank: 0.02, overlong: 0.005, invalidUtf8: 0.01, overlongBytes: 3000 },
      manifest,
    });
    const lines = linesOf([path]);
    const blank = lines.filter((l) => l.length === 0).length;
    const long = lines.filter((l) => l.length === 3000).length;
    const invalid = lines.filter((l) => l.length > 0 && !Buffer.from(l.toString('utf8')).equals(l)).length;
    const m = readManifest(manifest);
    expect(m.total.noise).toMatchObject({ blank, overlong: long, invalid_utf8: invalid });
    expect(blank / 20_000).toBeCloseTo(0.02, 2);
    expect(long).toBeGreaterThan(50);
    expect(invalid / 20_000).toBeCloseTo(0.01, 2);
    const clean = lines.filter(
      (l) => l.length > 0 && l.length !== 3000 && Buffer.from(l.toString('utf8')).equals(l),
    );
    for (const l of clean.slice(0, 500)) expect(() => JSON.parse(l.toString())).not.toThrow();
    expect(m.total.checksum).toBe(lineChecksum(lines));
    expect(subtractChecksum(m.total.checksum, m.total.noise.checksum)).toBe(lineChecksum(clean));
  });

  it('leaves the content of clean lines as it would be without noise', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    await generate({
      format: 'app',
      rate: 'max',
      count: 2000,
      seed: 8,
      startTime: START,
      output: { kind: 'file', path: a },
    });
    await generate({
      format: 'app',
      rate: 'max',
      count: 2000,
      seed: 8,
      startTime: START,
      output: { kind: 'file', path: b },
      noise: { blank: 0.1 },
    });
    const la = readFileSync(a, 'utf8').split('\n');
    const lb = readFileSync(b, 'utf8').split('\n');
    expect(lb.length).toBe(la.length);
    for (let i = 0; i < la.length; i++) if (lb[i] !== '') expect(lb[i]).toBe(la[i]);
  });
});

describe('bursts', () => {
  it('spike errors inside bursts', async () => {
    const dir = tempDir();
    const path = join(dir, 'b.log');
    await generate({
      format: 'json',
      rate: 200,
      durationMs: 40_000,
      seed: 2,
      startTime: START,
      burst: { everyMs: 10_000, lengthMs: 2_000, factor: 5 },
      burstErrorFactor: 8,
      output: { kind: 'file', path },
    });
    const events = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { ts: string; level: string });
    const inBurst = (e: { ts: string }) =>
      (Date.parse(e.ts) - START) % 10_000 < 2_000 && Date.parse(e.ts) - START >= 10_000;
    const burst = events.filter(inBurst);
    const calm = events.filter((e) => !inBurst(e));
    // 3 bursts of 2 s at 1,000/s, the rest at 200/s.
    expect(burst).toHaveLength(3 * 2_000);
    expect(calm).toHaveLength(200 * (40 - 6));
    const errors = (xs: { level: string }[]) => xs.filter((e) => e.level === 'ERROR').length / xs.length;
    expect(errors(calm)).toBeCloseTo(0.05, 1);
    expect(errors(burst)).toBeGreaterThan(0.25);
  });
});
