/**
 * Polls until `fn` yields a value (errors count as "not yet"), or fails naming what it waited for
 * and the last error `fn` threw.
 */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const v = await fn().catch((err: unknown) => {
      last = (err as Error).message ?? String(err);
      return undefined;
    });
    if (v !== undefined) return v;
    // The last error fn threw says where it stood (a failure in CI is read from its log alone).
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? ` (last: ${last.trim().slice(0, 500)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
