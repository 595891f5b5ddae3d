/** `logpipe tail`: follow new events matching a search, live, from a running storage process. */

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { formatRows, OUTPUT_FORMATS, type OutputFormat, parseQuery } from '../query/index.js';
import { chooseServer } from '../server/discovery.js';
import { action, drained } from './common.js';
import { type EventLayout, eventHeader, eventLayout, eventLines } from './output/event-table.js';
import { isEvents } from './output/render.js';
import { addDisplayOptions, type DisplayFlags, displaySettings } from './output/settings.js';
import type { OutputView } from './output/view.js';

interface TailFlags extends DisplayFlags {
  server?: string;
  format?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('tail')
    .description('Follow new events matching a search, live')
    .argument('[query]', "a search, e.g. 'level:error service:api-gateway' (default: everything)", '*')
    .option('-d, --data-dir <dir>', 'data directory of a running pipeline (env LOGPIPE_DATA_DIR)')
    .option(
      '--server <url>',
      "ask this logpipe server (e.g. a container's published port); token from LOGPIPE_TOKEN",
    )
    .option('-f, --format <fmt>', `output: ${OUTPUT_FORMATS.join(', ')} (default: table)`)
    .option('--no-color', 'no colours (also NO_COLOR=1)');
  addDisplayOptions(cmd)
    .addHelpText(
      'after',
      `
Shows each matching event once, as soon as the store has committed it. Needs a running
\`logpipe run\` or \`logpipe store\` for the data dir. Ctrl-C stops. The table's columns and
widths come from the first events shown and stay, so later ones line up under the header;
times as in logpipe query (--tz).

Examples:
  logpipe tail 'level:error'
  logpipe tail 'status>=500' --format ndjson`,
    )
    .action(
      action(async (text: string, flags: TailFlags) => {
        const format = (flags.format ?? 'table') as OutputFormat;
        if (!OUTPUT_FORMATS.includes(format)) {
          throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${flags.format}"`);
        }
        parseQuery(text);
        const settings = await displaySettings(flags);
        const dataDir = resolve(settings.dataDir);
        const server = await chooseServer(dataDir, flags.server);
        if (!server) {
          throw new UsageError(
            `no pipeline is running for ${dataDir}; start \`logpipe run\` (tail follows a live store)`,
          );
        }
        const table = tailTable(settings.view);
        const ac = new AbortController();
        process.once('SIGINT', () => ac.abort());
        process.once('SIGTERM', () => ac.abort());
        // Rows without the identity the API adds for its clients (as `logpipe query` prints them).
        const params = new URLSearchParams({ q: text, identity: '0' });
        const res = await fetch(`${server.url}/api/tail?${params}`, {
          headers: server.token ? { authorization: `Bearer ${server.token}` } : {},
          signal: ac.signal,
        }).catch((err) => {
          if (ac.signal.aborted) return null;
          throw err;
        });
        if (!res) return;
        if (!res.ok || !res.body) {
          const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
          throw new UsageError(`the storage process refused the tail: ${body.error?.message ?? res.status}`);
        }
        try {
          for await (const ev of readSse(res.body)) {
            if (ev.event === 'rows') {
              const { rows, columns } = JSON.parse(ev.data) as {
                rows: Record<string, unknown>[];
                columns: string[];
              };
              const out =
                format === 'table'
                  ? table(rows, columns)
                  : formatRows({ rows, columns, elapsed_ms: 0 }, format === 'json' ? 'ndjson' : format);
              if (!process.stdout.write(out)) await drained(process.stdout);
            } else if (ev.event === 'skipped') {
              process.stderr.write(`logpipe: ${JSON.parse(ev.data).skipped} events came too fast to show\n`);
            } else if (ev.event === 'error') {
              throw new UsageError(`tail stopped: ${JSON.parse(ev.data).message}`);
            }
          }
        } catch (err) {
          if (!ac.signal.aborted) throw err;
        }
      }),
    );
}

/**
 * The table of a tail: the first batch sets the layout and prints the header; every later batch
 * is drawn in that layout, so columns stay where they were.
 */
function tailTable(view: OutputView): (rows: Record<string, unknown>[], columns: string[]) => string {
  let layout: EventLayout | null = null;
  return (rows, columns) => {
    if (!isEvents({ rows, columns, elapsed_ms: 0 })) return '';
    let out = '';
    if (layout === null) {
      layout = eventLayout(rows, view);
      out = eventHeader(layout, view);
    }
    return out + eventLines(rows, layout, view);
  };
}

/** Parses a Server-Sent Events byte stream into events. */
async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    for (let end = buf.indexOf('\n\n'); end !== -1; end = buf.indexOf('\n\n')) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      yield { event, data: data.join('\n') };
    }
  }
}
