/**
 * Bundles the web UI (ui/) with esbuild into dist/ui/: app.js (minified, ES2022), app.css (the
 * page's and uPlot's styles) and index.html. Run by `npm run build`; the store's HTTP server
 * serves the folder (src/server/ui-static.ts).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'ui');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: join(root, 'ui', 'src', 'main.ts') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outdir: out,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(root, 'ui', 'index.html'), join(out, 'index.html'));
