/**
 * `logpipe ui`: the web UI for a data dir. When a pipeline's store is running for it, prints
 * that server's address (the UI is served at its `/`); otherwise opens the store read-only and
 * serves the API and the UI itself until stopped. `--open` hands the address to the browser.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { action, intFlag } from './common.js';
import { dataDirFromFlags } from './config-flags.js';
import { untilStopped } from './service.js';

interface UiFlags {
  dataDir?: string;
  port?: string;
  host: string;
  open?: boolean;
}

export function register(program: Command): void {
  program
    .command('ui')
    .description('Open the web UI on a store: search, histogram, fields, context, live tail')
    .option('-d, --data-dir <dir>', 'data directory (env LOGPIPE_DATA_DIR; default ./logpipe-data)')
    .option('--port <n>', 'port to serve on when no pipeline is running (default any free one)')
    .option('--host <addr>', 'address to bind when no pipeline is running', '127.0.0.1')
    .option('--open', 'open the address in the default browser')
    .addHelpText(
      'after',
      `
When \`logpipe run\`, \`up\` or \`store --serve\` is running for the data dir, the UI is already
served at its address: this prints it. Otherwise it opens the store read-only and serves the
API and the UI until Ctrl-C. Beyond loopback (--host 0.0.0.0) it needs a token in
LOGPIPE_TOKEN; the printed address carries it once (?token=), the page keeps it for the tab.

Examples:
  logpipe ui --open
  logpipe ui -d /var/lib/logpipe --port 8080`,
    )
    .action(action(runUi));
}

async function runUi(flags: UiFlags): Promise<void> {
  const dataDir = resolve(dataDirFromFlags(flags));
  const port = intFlag('port', flags.port, 0, 65535) ?? 0;
  const { findServer } = await import('../server/discovery.js');
  const running = await findServer(dataDir);
  if (running) {
    const url = pageUrl(running.url, running.token);
    process.stdout.write(`${url}\n`);
    if (flags.open) openBrowser(url);
    return;
  }
  if (!existsSync(dataDir)) throw new UsageError(`no store in ${dataDir}: nothing has been stored there yet`);
  const token = process.env.LOGPIPE_TOKEN || undefined;
  const [{ openStoreReadOnly }, { createApp }, { requireTokenBeyondLoopback, serveApp }, { stopGate }] =
    await Promise.all([
      import('../pipeline/open-store.js'),
      import('../server/app.js'),
      import('../server/serve.js'),
      import('../server/stop-gate.js'),
    ]);
  try {
    requireTokenBeyondLoopback(flags.host, token);
  } catch {
    throw new UsageError(`binding ${flags.host} (beyond loopback) needs a token: set LOGPIPE_TOKEN`);
  }
  const store = await openStoreReadOnly(dataDir);
  const gate = stopGate();
  let served: Awaited<ReturnType<typeof serveApp>>;
  try {
    served = await serveApp(createApp({ store, token, gate }), flags.host, port, 'port');
  } catch (err) {
    await store.close();
    throw err;
  }
  const url = pageUrl(served.url, token);
  process.stdout.write(`${url}\n`);
  process.stderr.write(`logpipe: serving the UI on the store in ${dataDir} (read-only) until Ctrl-C\n`);
  if (flags.open) openBrowser(url);
  await untilStopped();
  await gate.close();
  await served.stop();
  await store.close();
}

/** The page's address; with a token, carried once so the page can keep it for the tab. */
function pageUrl(base: string, token: string | undefined): string {
  return token ? `${base}/?token=${encodeURIComponent(token)}` : `${base}/`;
}

/** Hands the address to the system's opener; a missing one is a warning, not a failure. */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', (err) =>
    process.stderr.write(`logpipe: could not open a browser (${cmd}: ${err.message})\n`),
  );
  child.unref();
}
