import { writeFileSync } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckpointEntry } from '../../src/collector/checkpoint.js';
import { Checkpoints, entryKey } from '../../src/collector/checkpointing.js';
import {
  continuesIn,
  equalsAt,
  type IdentityContext,
  identify,
  lastLineEnd,
  matchCommitted,
  matchKnown,
  newGeneration,
  readTail,
  samePrefix,
} from '../../src/collector/file-identity.js';
import { FINGERPRINT_BYTES, fingerprintOf } from '../../src/collector/fingerprint.js';
import { resolveOptions } from '../../src/collector/options.js';
import type { Tracked } from '../../src/collector/tracked-file.js';
import { tempDir } from '../helpers/cli.js';

const TEXT = 'first line\nsecond line\nthird line\n';
const FP = fingerprintOf(Buffer.from(TEXT))!;

const handles: FileHandle[] = [];
afterEach(async () => {
  for (const fh of handles.splice(0)) await fh.close().catch(() => {});
});

async function file(dir: string, name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  const fh = await open(path, 'r');
  handles.push(fh);
  return { path, fh, s: await stat(path) };
}

function entry(patch: Partial<CheckpointEntry>): CheckpointEntry {
  return {
    source: '/logs/app.log',
    generation: FP,
    fingerprint: FP,
    path: '/logs/app.log',
    dev: -1,
    ino: -1,
    offset: 0,
    skip: false,
    anchor: '',
    updated: 1,
    ...patch,
  };
}

function known(...entries: CheckpointEntry[]): Map<string, CheckpointEntry> {
  return new Map(entries.map((e) => [entryKey(e.source, e.generation), e]));
}

function context(patch: { copyWaitMs?: number } = {}) {
  const opts = resolveOptions({ paths: ['x'], checkpointPath: 'ck.json', ...patch });
  const streams = new Set<Tracked>();
  const truncated: Tracked[] = [];
  const ctx: IdentityContext = {
    opts,
    live: new Map(),
    streams,
    checkpoints: new Checkpoints(opts, streams, () => {}),
    maybeCopies: new Map(),
    counts: { rotations: 0, truncations: 0 },
    scratch: Buffer.alloc(FINGERPRINT_BYTES),
    borrowBuffer: () => Buffer.alloc(16),
    truncated: (t) => {
      truncated.push(t);
      t.released = true;
      ctx.live.delete(t.key);
    },
  };
  return { ctx, truncated };
}

describe('file identity: byte comparisons', () => {
  it('compares, reads and finds the bytes before an offset', async () => {
    const dir = tempDir();
    const a = await file(dir, 'a.log', TEXT);
    const b = await file(dir, 'b.log', `${TEXT}more\n`);
    const c = await file(dir, 'c.log', 'other line\nsecond line\n');
    expect(await equalsAt(a.fh, 11, Buffer.from('first line\n'))).toBe(true);
    expect(await equalsAt(a.fh, 12, Buffer.from('first line\n'))).toBe(false);
    expect(await equalsAt(a.fh, 3, Buffer.from('first'))).toBe(false);
    expect((await readTail(a.fh, 11))?.toString()).toBe('first line\n');
    expect(await readTail(a.fh, 1000)).toBeNull();
    expect(await samePrefix(b.fh, b.s.size, a.fh, a.s.size)).toBe(true);
    expect(await samePrefix(c.fh, c.s.size, a.fh, a.s.size)).toBe(false);
    expect(await lastLineEnd(a.fh, a.s.size, Buffer.alloc(4))).toBe(TEXT.length);
    expect(await lastLineEnd(a.fh, a.s.size - 2, Buffer.alloc(4))).toBe(23);
  });
});

describe('file identity: checkpoint entries', () => {
  it('finds a renamed file by the bytes before its offset', async () => {
    const dir = tempDir();
    const f = await file(dir, 'app.log.1', TEXT);
    const e = entry({ offset: 23, anchor: Buffer.from('second line\n').toString('base64') });
    expect(await matchKnown(known(e), FP, f.path, f.s, f.fh)).toEqual({ entry: e, truncated: false });
    const wrong = entry({ offset: 23, anchor: Buffer.from('other').toString('base64') });
    expect(await matchKnown(known(wrong), FP, f.path, f.s, f.fh)).toBeNull();
  });

  it('trusts path or inode only when there is no anchor, and calls a shorter same file truncated', async () => {
    const dir = tempDir();
    const f = await file(dir, 'app.log', TEXT);
    const byPath = entry({ path: f.path, offset: 11 });
    expect(await matchKnown(known(byPath), FP, f.path, f.s, f.fh)).toEqual({
      entry: byPath,
      truncated: false,
    });
    expect(
      await matchKnown(known(entry({ path: '/elsewhere', offset: 11 })), FP, f.path, f.s, f.fh),
    ).toBeNull();
    const same = entry({ path: f.path, dev: f.s.dev, ino: f.s.ino, offset: 5000 });
    expect(await matchKnown(known(same), FP, f.path, f.s, f.fh)).toEqual({ entry: same, truncated: true });
  });

  it('gives a source a fresh generation when its fingerprint was taken', () => {
    const k = known(entry({}), entry({ generation: `${FP}-1` }));
    expect(newGeneration(k, [], '/logs/app.log', FP)).toBe(`${FP}-2`);
    expect(newGeneration(k, [], '/logs/other.log', FP)).toBe(FP);
  });
});

describe('file identity: the store', () => {
  it('continues after the last committed line only when the file holds it at its offset', async () => {
    const dir = tempDir();
    const f = await file(dir, 'app.log', TEXT);
    const hit = { source: '/s', generation: 'g', offset: 11, raw: 'second line' };
    const miss = { ...hit, raw: 'not this line' };
    const warnings: string[] = [];
    const opts = (found: (typeof hit)[]) => ({
      lookupCommitted: async () => found,
      onWarning: (m: string) => warnings.push(m),
    });
    expect(await matchCommitted(opts([miss, hit]), FP, f.fh, f.s.size)).toEqual({
      source: '/s',
      generation: 'g',
      next: 23,
    });
    expect(await matchCommitted(opts([miss]), FP, f.fh, f.s.size)).toBeNull();
    const failing = {
      lookupCommitted: async () => Promise.reject(new Error('down')),
      onWarning: opts([]).onWarning,
    };
    expect(await matchCommitted(failing, FP, f.fh, f.s.size)).toBeNull();
    expect(warnings).toEqual(["cannot ask the store about a file's content: down"]);
  });
});

describe('file identity: identify', () => {
  it('reads new content as a source of its own path', async () => {
    const dir = tempDir();
    const { ctx } = context();
    const f = await file(dir, 'app.log', TEXT);
    expect(await identify(ctx, f.fh, FP, f.path, 'k1', f.s, true)).toBe(true);
    const t = ctx.live.get('k1')!;
    expect([t.stamp.source, t.stamp.generation, t.readPos, t.acks.offset]).toEqual([f.path, FP, 0, 0]);
    expect(ctx.streams.has(t)).toBe(true);
    expect(ctx.checkpoints.dirty).toBe(true);
  });

  it('resumes a renamed file from its checkpoint entry, keeping its source', async () => {
    const dir = tempDir();
    const { ctx } = context();
    const anchor = Buffer.from('second line\n').toString('base64');
    const e = entry({ source: '/was/app.log', path: '/was/app.log', offset: 23, anchor });
    ctx.checkpoints.known.set(entryKey(e.source, e.generation), e);
    const f = await file(dir, 'app.log.1', TEXT);
    expect(await identify(ctx, f.fh, FP, f.path, 'k1', f.s, false)).toBe(true);
    const t = ctx.live.get('k1')!;
    expect([t.stamp.source, t.readPos, t.tailPos, t.tail.toString()]).toEqual([
      '/was/app.log',
      23,
      23,
      'second line\n',
    ]);
    expect(ctx.checkpoints.known.size).toBe(0);
    expect(ctx.counts.rotations).toBe(1);
  });

  it('waits on a copy of a file still tailed, then reads it as its own', async () => {
    const dir = tempDir();
    const { ctx } = context({ copyWaitMs: 60_000 });
    const orig = await file(dir, 'app.log', TEXT);
    await identify(ctx, orig.fh, FP, orig.path, 'k1', orig.s, false);
    const t = ctx.live.get('k1')!;
    t.readPos = t.size = TEXT.length;
    t.tail = Buffer.from('third line\n');
    t.tailPos = TEXT.length;
    const copy = await file(dir, 'app.log.1', TEXT);
    expect(await identify(ctx, copy.fh, FP, copy.path, 'k2', copy.s, false)).toBe(false);
    expect(ctx.maybeCopies.has('k2')).toBe(true);
    ctx.maybeCopies.set('k2', 0); // waited long enough
    expect(await identify(ctx, copy.fh, FP, copy.path, 'k2', copy.s, false)).toBe(true);
    const own = ctx.live.get('k2')!;
    expect([own.stamp.source, own.stamp.generation, own.readPos]).toEqual([copy.path, FP, 0]);
    expect(ctx.live.get('k1')).toBe(t);
  });

  it('continues a truncated file in its copy (copytruncate)', async () => {
    const dir = tempDir();
    const { ctx, truncated } = context();
    const orig = await file(dir, 'app.log', TEXT);
    await identify(ctx, orig.fh, FP, orig.path, 'k1', orig.s, false);
    const t = ctx.live.get('k1')!;
    t.readPos = t.size = 23;
    t.tail = Buffer.from('second line\n');
    t.tailPos = 23;
    const copy = await file(dir, 'app.log.1', TEXT);
    writeFileSync(orig.path, ''); // the original is truncated after the copy
    expect(await identify(ctx, copy.fh, FP, copy.path, 'k2', copy.s, false)).toBe(true);
    expect(truncated).toEqual([t]);
    expect(ctx.live.get('k2')).toBe(t);
    expect([t.path, t.readPos, t.released]).toEqual([copy.path, 23, false]);
    expect(await continuesIn(t, copy.fh)).toBe(true);
  });
});
