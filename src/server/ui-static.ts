/**
 * The web UI's files (built by scripts/build-ui.mjs into dist/ui/): `/` is its page, `/ui/<name>`
 * its assets. Public, as they hold no data (the API they call keeps its token); served from a
 * fixed list of the folder's files, read once, so no request path ever reaches the file system.
 * Every answer carries a strict Content-Security-Policy: scripts only from this origin, no
 * inline script, no frames, requests only back to this server.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // uPlot and the page set element styles from script (CSSOM), which needs no inline allowance
  // for scripts; inline style attributes are allowed, style *elements* come only from here.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

interface UiFile {
  body: Uint8Array;
  type: string;
}

/**
 * The built UI folder: dist/ui, found from this module built (dist/src/server) or as source
 * (src/server, the tests). A folder counts when it holds the bundle, not only a page (the
 * sources' ui/ has index.html too).
 */
export function uiDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, '..', '..', 'ui'), join(here, '..', '..', 'dist', 'ui')]) {
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'app.js'))) return dir;
  }
  return null;
}

/** Every file of the folder, by name (no sub-folders): the only paths ever served. */
function loadFiles(dir: string): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(dir, name)), type });
  }
  return files;
}

function headers(type: string, cache: string): Record<string, string> {
  return {
    'content-type': type,
    'cache-control': cache,
    'content-security-policy': UI_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * Adds `GET /` and `GET /ui/:name` to the app. Without a built UI (`dir` null) `/` says how to
 * build it. Everything is revalidated (`no-cache`): the names carry no content hash, and the
 * page and its script must match after an upgrade.
 */
export function addUiRoutes(app: Hono, dir: string | null = uiDir()): void {
  let files: Map<string, UiFile> | null = null;
  const get = () => {
    files ??= dir ? loadFiles(dir) : new Map();
    return files;
  };
  app.get('/', (c) => {
    const page = get().get('index.html');
    if (!page) {
      return c.text(
        'the web UI is not built: run `npm run build`\n',
        404,
        headers('text/plain; charset=utf-8', 'no-store'),
      );
    }
    return c.body(page.body as Uint8Array<ArrayBuffer>, 200, headers(page.type, 'no-cache'));
  });
  app.get('/ui/:name', (c) => {
    const f = get().get(c.req.param('name'));
    if (!f) return c.json({ error: { type: 'request', message: `no UI file ${c.req.path}` } }, 404);
    return c.body(f.body as Uint8Array<ArrayBuffer>, 200, headers(f.type, 'no-cache'));
  });
}
