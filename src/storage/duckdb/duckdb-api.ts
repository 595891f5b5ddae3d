/**
 * `@duckdb/node-api`, loaded with `require`. The package is CommonJS: an ES `import` of it has
 * Node scan the source of each of its 60 files for the names it exports (cjs-module-lexer)
 * before any runs, 0.15–0.3 s of CPU on every fresh `logpipe query`; `require` runs them as they
 * are (importing the package took 0.43 s of CPU, requiring it 0.1 s; 2026-12-07, Node 20).
 * Types come from the package itself (`import type`, erased at build); values from here.
 */
import { createRequire } from 'node:module';
import type * as Api from '@duckdb/node-api';

const require = createRequire(import.meta.url);

/** The package's values (classes, type constants, enums). */
export const duckdb = require('@duckdb/node-api') as typeof Api;
