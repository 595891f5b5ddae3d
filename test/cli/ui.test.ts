/** `logpipe ui`: the address of a running pipeline's UI, or a read-only store served with it. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findServer } from '../../src/server/discovery.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { killAll, startLogpipe } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

let data = '';

beforeAll(async () => {
  const dir = tempDir('logpipe-ui-cli-');
  data = join(dir, 'data');
  const file = join(dir, 'app.log');
  const gen = await runCli(['generate', '--format', 'json', '--count', '200', '--seed', '3', '-o', file]);
  expect(gen.code).toBe(0);
  const imp = await runCli(['store', '-d', data, '--import', file, '--no-server', '-q']);
  expect(imp.code).toBe(0);
});

afterAll(() => killAll([data]));

describe('logpipe ui', () => {
  it('serves a store no pipeline runs for, read-only, with the UI at the address it prints', async () => {
    const ui = startLogpipe(['ui', '-d', data, '--port', '0']);
    const url = await waitFor(
      'the printed address',
      async () => /^(http:\/\/\S+\/)$/m.exec(ui.output())?.[1],
    );
    // As a browser asks: without text/html, `/` is Elasticsearch's probe for agents.
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/ui/app.js');
    expect((await fetch(`${url}ui/app.js`)).status).toBe(200);
    const q = (await (await fetch(`${url}api/query?q=*&limit=5`)).json()) as { rows: unknown[] };
    expect(q.rows).toHaveLength(5);
    // It owns nothing: no announcement, and a stop is clean.
    expect(await findServer(data)).toBeNull();
    ui.child.kill('SIGINT');
    expect(await ui.exited).toBe(0);
  });

  it("prints a running pipeline's address instead of serving one", async () => {
    const store = startLogpipe(['store', '-d', data, '--serve', '--port', '0', '-q']);
    const info = await waitFor('the storage process', () => findServer(data).then((s) => s ?? undefined));
    const r = await runCli(['ui', '-d', data]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${info.url}/\n`);
    store.child.kill('SIGINT');
    await store.exited;
  });

  it('refuses to bind beyond loopback without a token, and a data dir with no store', async () => {
    const open = await runCli(['ui', '-d', data, '--host', '0.0.0.0'], { env: { LOGPIPE_TOKEN: '' } });
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('binding 0.0.0.0 (beyond loopback) needs a token: set LOGPIPE_TOKEN');
    const none = await runCli(['ui', '-d', join(tempDir(), 'nothing')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no store in');
  });
});
