/**
 * The kill-and-resend loop of the agent protocols' restart tests: requests sent one after another
 * to `logpipe store --serve`, the store killed (SIGKILL) while the middle one is on its way and
 * started again, each request sent again until it is accepted, as agents retry. The caller
 * checks what is stored.
 */
import { tempDir } from './cli.js';
import { freePort } from './ports.js';
import { type Proc, startLogpipe } from './processes.js';
import { waitFor } from './wait.js';

export interface RestartRun {
  url: string;
  /** The store as it runs after the restart (stop it at the end). */
  store: Proc;
  /** Whether the request cut by the kill was answered as accepted before the store died. */
  cutAccepted: boolean;
}

/**
 * Sends requests 0 to `requests - 1` through a SIGKILL of the store at the middle one. `send`
 * makes request `n` (null when the connection failed); `accepted` tells an answer that says it
 * is stored, and may check its body.
 */
export async function sendThroughRestart(
  prefix: string,
  requests: number,
  send: (url: string, n: number) => Promise<Response | null>,
  accepted: (res: Response, n: number) => Promise<boolean>,
): Promise<RestartRun> {
  const dataDir = tempDir(prefix);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const serve = () => startLogpipe(['store', '--serve', '--data-dir', dataDir, '--port', String(port)]);
  const healthy = async () => ((await fetch(`${url}/healthz`).catch(() => null))?.ok ? true : undefined);
  let store: Proc = serve();
  await waitFor('store', healthy, 30_000);
  let cutAccepted = false;
  const cut = requests / 2;
  for (let n = 0; n < requests; n++) {
    if (n === cut) {
      // Killed while a request is on its way: its answer never comes.
      const pending = send(url, n);
      store.child.kill('SIGKILL');
      await store.exited;
      const res = await pending;
      cutAccepted = res !== null && (await accepted(res, n));
      store = serve();
      await waitFor('store again', healthy, 30_000);
    }
    // As an agent does: a request not accepted is sent again.
    for (;;) {
      const res = await send(url, n);
      if (res !== null && (await accepted(res, n))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, store, cutAccepted };
}

/** How many times each message of the service `crash-test` is stored. */
export async function storedCounts(url: string): Promise<Map<string, number>> {
  const res = await fetch(
    `${url}/api/query?${new URLSearchParams({ q: 'service:crash-test | stats count by message', from: '2026-01-01', limit: '100000' })}`,
  );
  if (res.status !== 200) throw new Error(`query answered ${res.status}: ${await res.text()}`);
  const rows = ((await res.json()) as { rows: { message: string; count: number }[] }).rows;
  return new Map(rows.map((r) => [r.message, Number(r.count)]));
}
