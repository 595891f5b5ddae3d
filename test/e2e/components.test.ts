/**
 * The components as separate commands, wired by hand the way the compose file wires containers:
 * `store --serve`, `parse --listen --to`, `collect --to`. Stopping the collector or the parser
 * while the application keeps writing, then starting it again, loses and duplicates nothing.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tailConfig } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { expectExactlyOnce, killAll, type Proc, startLogpipe } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

afterEach(() => killAll());

async function healthy(url: string): Promise<true | undefined> {
  const res = await fetch(`${url}/healthz`);
  return res.ok ? true : undefined;
}

async function stop(p: Proc): Promise<void> {
  p.child.kill('SIGTERM');
  expect(await p.exited, p.output()).toBe(0);
}

describe('components as separate processes', () => {
  it('collector and parser each stopped and started again while lines keep coming: 0 lost, 0 duplicated', async () => {
    const { dir, dataDir, config } = tailConfig('*.log');
    const [storePort, parserPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    const storeUrl = `http://127.0.0.1:${storePort}`;
    const parserUrl = `http://127.0.0.1:${parserPort}`;
    const store = startLogpipe(['store', '--serve', '--config', config, '--port', String(storePort)]);
    await waitFor('store', () => healthy(storeUrl));
    const parserArgs = ['parse', '--listen', `127.0.0.1:${parserPort}`, '--to', storeUrl, '--config', config];
    let parser = startLogpipe(parserArgs);
    await waitFor('parser', () => healthy(parserUrl));
    const collectorArgs = [
      'collect',
      '--config',
      config,
      '--to',
      parserUrl,
      '--metrics-port',
      String(metricsPort),
    ];
    let collector = startLogpipe(collectorArgs);
    await waitFor('collector', () => healthy(`http://127.0.0.1:${metricsPort}`));

    const manifest = join(dir, 'manifest.json');
    const gen = startLogpipe([
      'generate',
      '--format',
      'json',
      '--seed',
      '5',
      '--rate',
      '1000',
      '--duration',
      '20s',
      '-o',
      join(dir, 'logs', 'app.log'),
      '--manifest',
      manifest,
    ]);
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    await pause(3000);
    await stop(collector); // a clean stop: what was delivered is checkpointed
    await pause(3000); // the application keeps writing meanwhile
    collector = startLogpipe(collectorArgs);
    await waitFor('collector again', () => healthy(`http://127.0.0.1:${metricsPort}`));

    await pause(3000);
    await stop(parser); // the collector's deliveries fail and are retried
    await pause(3000);
    parser = startLogpipe(parserArgs);
    await waitFor('parser again', () => healthy(parserUrl));

    expect(await gen.exited, gen.output()).toBe(0);
    await expectExactlyOnce(manifest, dataDir, 60_000, `${collector.output()}\n${parser.output()}`);
    // The collector said plainly that the parser was away, and carried on once it was back.
    expect(collector.output()).toMatch(/cannot deliver to http:\/\/127\.0\.0\.1:\d+ .*retrying/);

    // A client with no access to the data dir (another container, another host) names the server.
    const q = await runCli([
      'query',
      '--server',
      storeUrl,
      '--data-dir',
      join(dir, 'elsewhere'),
      '--format',
      'json',
      '--sql',
      'SELECT count(*) AS n FROM logs',
    ]);
    expect(q.code, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout)).toEqual([{ n: 20_000 }]);

    await stop(collector);
    await stop(parser);
    await stop(store);
  }, 120_000);
});
