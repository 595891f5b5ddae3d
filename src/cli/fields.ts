/**
 * `logpipe fields`: every field of the events a search matches, with its type, how many events
 * carry it (and their share), and its most common values: what Kibana's sidebar shows. Computed
 * over a sample, the newest matching events (src/server/fields.ts), by the storage process when
 * one runs, else on the store opened read-only.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { escapeControls, parseQuery } from '../query/index.js';
import { chooseServer, type ServerInfo } from '../server/discovery.js';
import type { FieldFacet, FieldsResponse } from '../server/fields.js';
import { action, intFlag, timeFlag } from './common.js';
import { numberCells } from './output/numbers.js';
import { addDisplayOptions, type DisplayFlags, displaySettings } from './output/settings.js';
import { codePoints, cut, grouped, padLeft, padRight } from './output/text.js';
import { isStoredTime } from './output/times.js';
import type { OutputView } from './output/view.js';

interface FieldsFlags extends DisplayFlags {
  server?: string;
  since?: string;
  from?: string;
  to?: string;
  sample?: string;
  top?: string;
  format?: string;
}

const FORMATS = ['table', 'json'] as const;
const DEFAULT_SAMPLE = 10_000;
const MAX_SAMPLE = 100_000;

export function register(program: Command): void {
  const cmd = program
    .command('fields')
    .description('List the fields of matching events: type, how many have each, top values')
    .argument('[query]', "a search, e.g. 'status>=500' (default: everything)", '*')
    .option('-d, --data-dir <dir>', 'data directory (env LOGPIPE_DATA_DIR; default ./logpipe-data)')
    .option('--server <url>', 'ask this logpipe server; token from LOGPIPE_TOKEN')
    .option('-s, --since <time>', 'only events newer than this: 15m, 2h, 7d, or a time')
    .option('--from <time>', 'start of the time range (ISO 8601, or 2h for two hours ago)')
    .option('--to <time>', 'end of the time range (ISO 8601, now, or 5m for five minutes ago)')
    .option(
      '--sample <n>',
      `look at the newest N matching events (default ${grouped(DEFAULT_SAMPLE)}, at most ${grouped(MAX_SAMPLE)})`,
    )
    .option('--top <n>', 'top values to show per field (default 5)')
    .option('-f, --format <fmt>', `output: ${FORMATS.join(', ')} (default: table)`);
  addDisplayOptions(cmd)
    .addHelpText(
      'after',
      `
Counts come from a sample: the newest matching events (10,000 unless --sample says), read
once, so the answer is quick on any store. Shares are of the sample; the first line says
how many events match in all (counted when that takes under 1.5 s). Fields are the event
columns (ts, level, service, status, path, ...) and the keys of each event's fields.
A piped query (| count ...) is read for its search only.

Examples:
  logpipe fields
  logpipe fields 'status>=500' --since 1h
  logpipe fields 'service:web' --format json | jq '.fields[].name'`,
    )
    .action(action((text: string, flags: FieldsFlags) => fields(text, flags)));
}

async function fields(text: string, flags: FieldsFlags): Promise<void> {
  const format = flags.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${flags.format}"`);
  }
  if (flags.since && flags.from) throw new UsageError('give --since or --from, not both');
  parseQuery(text);
  const now = Date.now();
  const from = flags.from ?? flags.since;
  const req = {
    q: text,
    fromUs: from ? timeFlag(flags.from ? 'from' : 'since', from, now) : undefined,
    toUs: flags.to ? timeFlag('to', flags.to, now) : undefined,
    sample: intFlag('sample', flags.sample, 1, MAX_SAMPLE) ?? DEFAULT_SAMPLE,
    top: intFlag('top', flags.top, 1, 100) ?? 5,
    count: true,
  };
  const settings = await displaySettings(flags);
  const dataDir = resolve(settings.dataDir);
  const server = await chooseServer(dataDir, flags.server);
  let res: FieldsResponse;
  if (server) res = await remote(server, req, flags);
  else {
    const [{ openStoreReadOnly }, { fieldFacets }] = await Promise.all([
      import('../pipeline/open-store.js'),
      import('../server/fields.js'),
    ]);
    const store = await openStoreReadOnly(dataDir);
    try {
      res = await fieldFacets(store, req);
    } finally {
      await store.close();
    }
  }
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
    return;
  }
  process.stdout.write(renderFields(res, settings.view));
}

async function remote(
  server: ServerInfo,
  req: { q: string; sample: number; top: number },
  flags: FieldsFlags,
): Promise<FieldsResponse> {
  const params = new URLSearchParams({
    q: req.q,
    sample: String(req.sample),
    top: String(req.top),
    count: '1',
  });
  if (flags.since) params.set('since', flags.since);
  if (flags.from) params.set('from', flags.from);
  if (flags.to) params.set('to', flags.to);
  const res = await fetch(`${server.url}/api/fields?${params}`, {
    headers: server.token ? { authorization: `Bearer ${server.token}` } : {},
  });
  const body = (await res.json()) as FieldsResponse & { error?: { message: string } };
  if (body.error) throw new UsageError(`the storage process answered: ${body.error.message}`);
  return body;
}

/** The sentence above the table: what the counts are of. */
export function sampleLine(res: FieldsResponse): string {
  const n = grouped(res.sampled);
  if (res.sampled === 0) return 'no events match';
  if (res.matched === undefined || res.matched === res.sampled) return `fields of the ${n} matching events`;
  if (res.matched === null)
    return `fields of the newest ${n} matching events (more match; too many to count quickly)`;
  return `fields of the newest ${n} of ${grouped(res.matched)} matching events (a sample; --sample to change)`;
}

/** The table of `logpipe fields`: one line per field, the top values last, cut to the width. */
export function renderFields(res: FieldsResponse, view: OutputView): string {
  let out = `${sampleLine(res)}\n`;
  if (res.fields.length === 0) return out;
  const head = ['field', 'type', 'events', 'share', 'top values'];
  const rows = res.fields.map((f) => [
    escapeControls(f.name),
    f.type,
    grouped(f.count),
    share(f.count, res.sampled),
    valuesText(f, res.sampled, view),
  ]);
  const widths = head.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => codePoints(r[i]))));
  const before = widths.reduce((a, w) => a + w + 2, 0);
  const lastWidth = view.width === undefined ? undefined : Math.max(10, view.width - before);
  const line = (cells: string[], header: boolean) => {
    const parts = cells
      .slice(0, -1)
      .map((c, i) => (i >= 2 && !header ? padLeft(c, widths[i]) : padRight(c, widths[i])));
    const last = lastWidth === undefined ? cells[cells.length - 1] : cut(cells[cells.length - 1], lastWidth);
    return `${[...parts, last].join('  ').trimEnd()}\n`;
  };
  out += line(head, true);
  for (const r of rows) out += line(r, false);
  return out;
}

function share(count: number, of: number): string {
  if (of === 0) return '-';
  const p = (count / of) * 100;
  return p >= 10 || p === 0 ? `${Math.round(p)}%` : `${p.toFixed(1)}%`;
}

/** `200 (8,412), 404 (512)`; for times, the range; numbers also their range when all differ. */
function valuesText(f: FieldFacet, sampled: number, view: OutputView): string {
  if (f.type === 'time' && typeof f.min === 'string' && typeof f.max === 'string') {
    const at = (t: string) => (isStoredTime(t) ? (view.times.format(t, 's') ?? t) : t);
    return `${at(f.min)} .. ${at(f.max)}`;
  }
  const repeated = f.top.some((t) => t.count > 1);
  if (!repeated && f.type === 'number' && typeof f.min === 'number' && typeof f.max === 'number') {
    const [lo, hi] = numberCells([f.min, f.max]);
    return `all different, ${lo} .. ${hi}`;
  }
  if (!repeated && f.count === sampled && sampled > 1)
    return `all different: ${f.top.map((t) => valueText(t.value)).join(', ')}`;
  return f.top.map((t) => `${valueText(t.value)} (${grouped(t.count)})`).join(', ');
}

function valueText(v: string | number | boolean): string {
  if (typeof v === 'string') return escapeControls(/[\s,()]/.test(v) || v === '' ? JSON.stringify(v) : v);
  return String(v);
}
