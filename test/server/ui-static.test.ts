import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageEngine } from '../../src/core/storage.js';
import { createApp } from '../../src/server/app.js';
import { addUiRoutes, UI_CSP } from '../../src/server/ui-static.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { tempDir } from '../helpers/cli.js';

/** A built UI folder of our own, and a secret next to it that must never be served. */
function fakeUi(): string {
  const root = tempDir('logpipe-ui-');
  const dir = join(root, 'ui');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>logpipe</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'app.css'), 'body{}');
  writeFileSync(join(dir, 'notes.txt'), 'not an asset type');
  writeFileSync(join(dir, 'sub', 'deep.js'), 'nested');
  writeFileSync(join(root, 'secret.js'), 'SECRET');
  return dir;
}

/** What a browser's Accept header holds: `/` is the UI's page for it, Elasticsearch's probe otherwise. */
const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('the web UI files', () => {
  let store: StorageEngine;
  beforeAll(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
  });
  afterAll(async () => {
    await store.close();
  });

  it('serves the page at / and the assets under /ui/ with their types, a strict CSP and revalidation', async () => {
    const app = createApp({ store, uiDir: fakeUi() });
    const page = await app.request('/', { headers: BROWSER });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>logpipe</title>');
    for (const [name, type] of [
      ['app.js', 'text/javascript; charset=utf-8'],
      ['app.css', 'text/css; charset=utf-8'],
    ]) {
      const r = await app.request(`/ui/${name}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe(type);
      expect(r.headers.get('cache-control')).toBe('no-cache');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(UI_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('serves nothing outside the folder: traversal, encoded or not, nested files, other types', async () => {
    const app = createApp({ store, uiDir: fakeUi() });
    for (const path of [
      '/ui/../secret.js',
      '/ui/%2e%2e%2fsecret.js',
      '/ui/..%2Fsecret.js',
      '/ui/%2e%2e/secret.js',
      '/ui/sub/deep.js',
      '/ui/sub%2Fdeep.js',
      '/ui/notes.txt',
      '/ui/',
      '/ui/index.html/',
      '/secret.js',
    ]) {
      const r = await app.request(path);
      const body = await r.text();
      expect(body, path).not.toContain('SECRET');
      expect(body, path).not.toContain('nested');
      expect(r.status, path).toBe(404);
    }
  });

  it('is public while the API keeps its token', async () => {
    const app = createApp({ store, token: 't0k', uiDir: fakeUi() });
    expect((await app.request('/', { headers: BROWSER })).status).toBe(200);
    expect((await app.request('/ui/app.js')).status).toBe(200);
    // Without asking for a page, `/` is the Elasticsearch probe agents call, which needs the token.
    expect((await app.request('/')).status).toBe(401);
    expect((await app.request('/api/stats')).status).toBe(401);
    expect((await app.request('/api/stats', { headers: { authorization: 'Bearer t0k' } })).status).toBe(200);
  });

  it('says how to build it when it is not built', async () => {
    const app = new Hono();
    addUiRoutes(app, null);
    const r = await app.request('/');
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('npm run build');
  });

  it('finds the bundle the build made, and it stays within 150 KB of JavaScript gzipped', async () => {
    const { uiDir } = await import('../../src/server/ui-static.js');
    const dir = uiDir();
    expect(
      dir,
      'dist/ui is built by scripts/build-ui.mjs (npm run build, and the tests’ global setup)',
    ).not.toBeNull();
    const { readFileSync, readdirSync } = await import('node:fs');
    const { gzipSync } = await import('node:zlib');
    const js = readdirSync(dir!).filter((f) => f.endsWith('.js'));
    expect(js).toContain('app.js');
    const gz = js.reduce((n, f) => n + gzipSync(readFileSync(join(dir!, f)), { level: 9 }).length, 0);
    expect(gz).toBeLessThanOrEqual(150 * 1024);
  });
});
