/**
 * `logpipe verify`: compares a generator manifest with what the store holds, per logical file:
 * lines, duplicates (the same source, generation and offset stored twice) and the
 * order-independent checksum of the lines. Noise lines the generator wrote on purpose (blank,
 * overlong, invalid UTF-8) are set apart on both sides, since the pipeline changes them on the way.
 */
import { resolve } from 'node:path';
import { lineChecksum, type Manifest, subtractChecksum } from '../generator/index.js';

/** Runs read-only SQL and returns its rows (through the API or a read-only store). */
export type SqlRunner = (sql: string) => Promise<Record<string, unknown>[]>;

export interface FileVerdict {
  /** The manifest's logical name. */
  file: string;
  /** Store sources matched: the file and its rotated pieces. */
  sources: string[];
  expected: number;
  stored: number;
  lost: number;
  duplicated: number;
  /** Lines set apart as noise: expected by the manifest, and found in the store. */
  noiseExpected: number;
  noiseStored: number;
  checksumExpected: string;
  checksumStored: string;
  ok: boolean;
}

export interface Verdict {
  files: FileVerdict[];
  lost: number;
  duplicated: number;
  ok: boolean;
}

const PAGE = 50_000;

/** A SQL string literal for a path (the runner takes no parameters). */
function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Verifies every file of the manifest; logical names are resolved against `baseDir`. */
export async function verifyManifest(manifest: Manifest, run: SqlRunner, baseDir = '.'): Promise<Verdict> {
  const files: FileVerdict[] = [];
  for (const [name, f] of Object.entries(manifest.files)) {
    const base =
      name.includes('://') || name === 'stdout' || name === 'stream' ? name : resolve(baseDir, name);
    // The file under its own name, and rotated pieces that were first seen under theirs.
    const where = `(source = ${lit(base)} OR starts_with(source, ${lit(`${base}.`)}))`;
    const sources = (await run(`SELECT DISTINCT source FROM logs WHERE ${where} ORDER BY source`)).map((r) =>
      String(r.source),
    );
    // Pages follow the key (source, generation, offset), not a row count: on a running pipeline
    // rows still arrive between pages, and an OFFSET page would then start a row early or late,
    // reading one line twice and missing another. A key page only ever misses rows that arrived
    // behind it (read as not yet stored; the next verify sees them). Rows stored twice are
    // counted by one query of their own, since a key page starts past the last key seen.
    let stored = 0;
    let noise = 0;
    const clean: string[] = [];
    let last: { source: string; generation: string; offset: number } | null = null;
    for (;;) {
      const past =
        last === null
          ? ''
          : ` AND (source > ${lit(last.source)} OR (source = ${lit(last.source)} AND (generation > ${lit(last.generation)} OR (generation = ${lit(last.generation)} AND "offset" > ${last.offset}))))`;
      const rows = await run(
        `SELECT source, generation, "offset", raw, coalesce(CAST(json_extract(fields, '$.truncated') AS BOOLEAN), false) AS cut FROM logs WHERE ${where}${past} ORDER BY source, generation, "offset" LIMIT ${PAGE}`,
      );
      let lastKey = '';
      for (const r of rows) {
        const key = `${r.source}\0${r.generation}\0${r.offset}`;
        if (key === lastKey) continue; // a copy: counted below
        lastKey = key;
        stored++;
        const raw = String(r.raw);
        if (raw === '' || r.cut === true || raw.includes('\ufffd')) noise++;
        else clean.push(raw);
      }
      if (rows.length < PAGE) break;
      const end = rows[rows.length - 1];
      last = { source: String(end.source), generation: String(end.generation), offset: Number(end.offset) };
    }
    const copies = await run(
      `SELECT coalesce(sum(n - 1), 0) AS extra FROM (SELECT count(*) AS n FROM logs WHERE ${where} GROUP BY source, generation, "offset" HAVING count(*) > 1)`,
    );
    const duplicated = Number(copies[0]?.extra ?? 0);
    const checksumExpected = subtractChecksum(f.checksum, f.noise.checksum);
    const checksumStored = lineChecksum(clean);
    const expectedClean = f.lines - f.noise.lines;
    const lost = Math.max(0, expectedClean - clean.length);
    files.push({
      file: name,
      sources,
      expected: f.lines,
      stored,
      lost,
      duplicated: duplicated + Math.max(0, clean.length - expectedClean),
      noiseExpected: f.noise.lines,
      noiseStored: noise,
      checksumExpected,
      checksumStored,
      ok: checksumStored === checksumExpected && duplicated === 0 && clean.length === expectedClean,
    });
  }
  const lost = files.reduce((n, f) => n + f.lost, 0);
  const duplicated = files.reduce((n, f) => n + f.duplicated, 0);
  return { files, lost, duplicated, ok: files.every((f) => f.ok) };
}
