/**
 * The storage layout on history as users import it: access lines spread over days make one
 * sealed file, not one per hour, the store takes fewer bytes than gzip -6 of the text, and
 * queries still skip the files a time range cannot match.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PATHS = [
  '/',
  '/index.html',
  '/favicon.ico',
  '/images/logo.gif',
  '/blog/tags/puppet?flav=rss20',
  '/presentations/logstash-monitorama-2013/images/kibana-search.png',
  '/articles/dynamic-dns-with-dhcp/',
  '/reset.css',
  '/style2.css',
  '/projects/xdotool/',
  '/xmlrpc.php',
];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:27.0) Gecko/20100101 Firefox/27.0',
  'Tiny Tiny RSS/1.11 (http://tt-rss.org/)',
  'UniversalFeedParser/4.2-pre-314-svn +http://feedparser.org/',
  '-',
];
const REFERRERS = [
  '-',
  'http://semicomplete.com/',
  'https://www.google.com/',
  'http://www.semicomplete.com/projects/',
];

/** A seeded generator (mulberry32), so the text and its gzip size are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` Apache combined lines from `startMs`, `spanMs` long, in time order, shaped like a real site's. */
function accessLog(n: number, startMs: number, spanMs: number, seed: number): string {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() ** 2 * xs.length)];
  const ips = Array.from(
    { length: 400 },
    () =>
      `${1 + Math.floor(r() * 222)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`,
  );
  const lines: string[] = [];
  let t = startMs;
  for (let i = 0; i < n; i++) {
    t += Math.floor(r() * ((2 * spanMs) / n));
    const d = new Date(t);
    const p2 = (x: number) => String(x).padStart(2, '0');
    const stamp = `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
    const status = r() < 0.9 ? 200 : pick([304, 404, 301, 500, 206]);
    const bytes = status === 304 ? 0 : Math.floor(r() * 60_000) + 100;
    lines.push(
      `${pick(ips)} - - [${stamp}] "GET ${pick(PATHS)} HTTP/1.1" ${status} ${bytes} "${pick(REFERRERS)}" "${pick(AGENTS)}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Bytes of the files under `dir`. */
function fileBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  }
  return n;
}

function partitionFiles(dataDir: string): string[] {
  return readdirSync(join(dataDir, 'store', 'parts'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.parquet'));
}

const DAY = 86_400_000;

describe('storage layout for history over days', () => {
  it('stores access lines over four days in one file, in fewer bytes than gzip -6 of the text', async () => {
    // The file's path is stored with its rows, several times (the source column's dictionary and
    // statistics, the offsets in the file's footer and the catalog: about 7 bytes a character),
    // and the store's margin under gzip -6 here is some 150 bytes (its catalog file is half of
    // the store): so the log lies at a short path, as a user's `/var/log/…` does, not in the
    // run's test folder, whose 27 more characters took the store 28 bytes past gzip -6.
    const dir = mkdtempSync(join(tmpdir(), 'lp-'));
    try {
      const text = accessLog(5000, Date.UTC(2015, 4, 17, 10), 4 * DAY, 28);
      const log = join(dir, 'access.log');
      writeFileSync(log, text);
      const data = join(tempDir(), 'data');
      const r = await runCli(['store', '-d', data, '--import', log, '--no-server']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('stored 5000 events');
      // Sealed by size, not by the hour: 96 hours of rows are one partition.
      expect(partitionFiles(data)).toHaveLength(1);
      const stored = fileBytes(join(data, 'store'));
      const gzip = gzipSync(text, { level: 6 }).length;
      expect(stored).toBeLessThan(gzip);

      const all = await runCli(['query', '-d', data, '--format', 'ndjson', '-n', '10000', '*']);
      expect(all.stdout.trim().split('\n')).toHaveLength(5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('skips the files a time range cannot match, and says so in --explain', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    // Two imports, months apart: two partitions, each over days.
    for (const [i, month] of [0, 2].entries()) {
      const log = join(dir, `access-${i}.log`);
      writeFileSync(log, accessLog(1000, Date.UTC(2024, month, 3), 5 * DAY, i + 1));
      const r = await runCli(['store', '-d', data, '--import', log, '--no-server']);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(partitionFiles(data)).toHaveLength(2);
    const explain = async (...range: string[]) => {
      const r = await runCli(['query', '-d', data, '--explain', ...range, '* | count']);
      expect(r.code, r.stderr).toBe(0);
      return /partitions: (\d+) scanned, (\d+) skipped/
        .exec(r.stdout + r.stderr)
        ?.slice(1)
        .map(Number);
    };
    expect(await explain('--from', '2024-03-01T00:00:00Z')).toEqual([1, 1]);
    expect(await explain('--to', '2024-01-20T00:00:00Z')).toEqual([1, 1]);
    // Inside the first file's days: it is scanned, its row groups' ranges do the rest.
    expect(await explain('--from', '2024-01-04T00:00:00Z', '--to', '2024-01-05T00:00:00Z')).toEqual([1, 1]);
    expect(await explain('--from', '2024-02-01T00:00:00Z', '--to', '2024-02-20T00:00:00Z')).toEqual([0, 2]);
    expect(await explain()).toEqual([2, 0]);
  }, 60_000);
});
