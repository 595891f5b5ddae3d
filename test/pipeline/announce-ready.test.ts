/**
 * `server.json` is how scripts and `logpipe query` learn that `logpipe run` is up: it is written
 * once the sources listen, so a line sent on seeing it is taken, and never for a pipeline whose
 * sources could not start.
 */
import { existsSync, type FSWatcher, mkdirSync, watch } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { memoryLogger } from '../../src/core/log.js';
import { startPipeline } from '../../src/pipeline/run.js';
import { serverInfoPath } from '../../src/server/discovery.js';
import { tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

let watcher: FSWatcher | null = null;
let held: Server | null = null;
afterEach(() => {
  watcher?.close();
  watcher = null;
  held?.close();
  held = null;
});

/** A data dir, and a list that grows with every name created in it. */
function watchedDataDir(): { dataDir: string; seen: string[] } {
  const dataDir = join(tempDir(), 'data');
  mkdirSync(dataDir, { recursive: true });
  const seen: string[] = [];
  watcher = watch(dataDir, (_, name) => {
    if (name !== null) seen.push(name);
  });
  return { dataDir, seen };
}

function syslogConfig(dataDir: string, port: number) {
  return loadConfig({
    base: {
      data_dir: dataDir,
      sources: [{ type: 'syslog', protocol: 'tcp', port, service: 'tcp-in' }],
      parse: { workers: 0 },
      server: { port: 0 },
    },
  });
}

describe('logpipe run announces itself', () => {
  it('once its sources listen: a connection made on seeing server.json is accepted', async () => {
    const { dataDir } = watchedDataDir();
    const port = await freePort();
    const abort = new AbortController();
    const run = await startPipeline({
      config: syslogConfig(dataDir, port),
      signal: abort.signal,
      log: memoryLogger(),
    });
    try {
      expect(existsSync(serverInfoPath(dataDir))).toBe(true);
      await new Promise<void>((resolve, reject) => {
        const c = connect(port, '127.0.0.1', () => c.end(resolve));
        c.on('error', reject);
      });
    } finally {
      abort.abort();
      await run.done;
    }
    expect(existsSync(serverInfoPath(dataDir))).toBe(false);
  });

  it('never, when a source cannot listen', async () => {
    const { dataDir, seen } = watchedDataDir();
    const port = await freePort();
    held = createServer();
    await new Promise<void>((r) => held!.listen(port, '127.0.0.1', () => r()));
    await expect(
      startPipeline({
        config: syslogConfig(dataDir, port),
        signal: new AbortController().signal,
        log: memoryLogger(),
      }),
    ).rejects.toThrow(String(port));
    // Let the watcher report what it saw.
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).not.toContain('server.json');
    expect(existsSync(serverInfoPath(dataDir))).toBe(false);
  });
});
