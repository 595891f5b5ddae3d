/**
 * The storage component's engine-neutral door: where a data dir keeps its store, and what the
 * store holds of a content fingerprint. It loads no engine. The engines have doors of their own
 * (`duckdb/index.ts`), which only the pipeline opens; the row codec is `rows/index.ts`.
 */

export { type CommittedPosition, committedPositions } from './committed.js';
export { storePath } from './layout.js';
