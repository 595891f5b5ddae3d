/** `logpipe generate --metrics-port`: what it has written so far, on /status and /metrics. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { killAll, startLogpipe } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

afterEach(() => killAll());

describe('logpipe generate --metrics-port', () => {
  it('reports lines written on /status and /metrics while it runs, and stops serving at the end', async () => {
    const dir = tempDir();
    const port = await freePort();
    const g = startLogpipe([
      'generate',
      '--rate',
      '200',
      '--duration',
      '3s',
      '-o',
      join(dir, 'app.log'),
      '--metrics-port',
      String(port),
    ]);
    const url = `http://127.0.0.1:${port}`;
    const status = await waitFor('lines on /status', async () => {
      const r = (await (await fetch(`${url}/status`)).json()) as {
        components: { component: string; events_out: number }[];
      };
      return r.components[0].events_out > 0 ? r.components[0] : undefined;
    });
    expect(status.component).toBe('generator');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/logpipe_events_out_total\{component="generator"\} [1-9]\d*/);
    expect(await g.exited, g.output()).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
