/**
 * Bundles the `logpipe` executable with esbuild into dist/bundle/: the CLI (cli/main.js), the
 * three worker entries (parser/worker.js, pipeline/encode-worker.js, server/agent-rows-worker.js)
 * and the chunks they share or load lazily (chunks/). Run by `npm run build`; package.json's `bin` points at the bundle.
 *
 * Why: a fresh `logpipe query` spent most of its time loading modules, not answering. Node
 * resolves, reads and compiles each of ~250 ES modules and the 60 CommonJS files of
 * `@duckdb/node-api` one by one. One bundle (lazy sub-commands still split off) took a fresh
 * `status>=500 | count` on a 1M-event store from 0.47–0.62 s to 0.40–0.43 s, and a `run`'s
 * start to its API from ~830 ms (measured in docs/benchmarks.md).
 *
 * Layout rule: every output file sits one folder below dist/bundle/, as every compiled module
 * sits one folder below dist/src/. So a module's own relative URLs (`../parser/worker.js`,
 * `../../ui`, `../../../package.json`) point at the same thing from dist/src and from the bundle,
 * whichever chunk the module lands in. A URL relative to the module's own folder (`./x.js`)
 * would not: do not write one.
 *
 * Only the native DuckDB binding stays outside (it loads `libduckdb.so`); the banner gives the
 * bundle a `require` for it.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bundle');
rmSync(out, { recursive: true, force: true });

/**
 * src/storage/duckdb/duckdb-api.ts loads `@duckdb/node-api` with `require`, which is what is
 * fastest unbundled (no ES-module scan of its 60 files). Inside the bundle the package's code is
 * part of the bundle, so a plain import is what is wanted there.
 */
const duckdbApiAsImport = {
  name: 'duckdb-api-as-import',
  setup(b) {
    b.onLoad({ filter: /[\\/]storage[\\/]duckdb[\\/]duckdb-api\.ts$/ }, (args) => ({
      contents: "import * as api from '@duckdb/node-api';\nexport const duckdb = api;\n",
      loader: 'ts',
      resolveDir: dirname(args.path),
    }));
  },
};

await build({
  entryPoints: {
    'cli/main': join(root, 'src', 'cli', 'main.ts'),
    'parser/worker': join(root, 'src', 'parser', 'worker.ts'),
    'pipeline/encode-worker': join(root, 'src', 'pipeline', 'encode-worker.ts'),
    'server/agent-rows-worker': join(root, 'src', 'server', 'agent-rows-worker.ts'),
  },
  outdir: out,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@duckdb/node-bindings'],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  plugins: [duckdbApiAsImport],
  // Names are kept: `--verbose` prints stacks a reader can follow.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});

/**
 * The executable's first lines: read by `sh` as "start node with these flags on this file" (with
 * `exec`, so the process keeps its PID for signals, `kill` and server.json), by Node as a hashbang
 * and a string. `--max-semi-space-size=2` caps the main thread's young generation at 2 × 2 MB
 * instead of V8's 2 × 16 MB: `logpipe run` over the 1M-line peers corpus peaked at 219–237 MiB
 * without it and 194–210 MiB with it, at the same lines/s (docs/benchmarks.md, Memory).
 * `--heap-growing-percent=20` lets V8 grow every old generation (the worker threads' too: V8's
 * flags are the process's) by 1.2× its live size after a full collection instead of up to 4×:
 * the same run peaked at 175–182 MiB against 194–200, the real-shaped corpus at 261–270 against
 * 297–314, CPU the same within the runs' noise. Node reads these flags only at start, so they
 * cannot come from inside; `node dist/bundle/cli/main.js` runs the same code without them. A
 * user's NODE_OPTIONS still applies.
 */
const LAUNCHER = `#!/bin/sh
':' //; exec node --max-semi-space-size=2 --heap-growing-percent=20 "$0" "$@"
`;
const mainJs = join(out, 'cli', 'main.js');
const code = readFileSync(mainJs, 'utf8');
if (!code.startsWith('#!/usr/bin/env node\n')) throw new Error(`${mainJs} does not start with its hashbang`);
writeFileSync(mainJs, LAUNCHER + code.slice(code.indexOf('\n') + 1));
chmodSync(mainJs, 0o755);

// The compiled CLI stays executable as well: npx keeps a clone's bin link in its cache from the
// time package.json's `bin` named dist/src/cli/main.js (it does not refresh it for a directory),
// so in a clone that ran `npx logpipe` before, `npx logpipe` still starts (unbundled).
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
if (existsSync(compiled)) chmodSync(compiled, 0o755);
