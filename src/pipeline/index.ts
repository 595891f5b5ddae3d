/** Wiring: the components put together as one pipeline. */
export { demoConfig } from './demo.js';
export { openStore, openStoreReadOnly } from './open-store.js';
export { parserOptions } from './parser-options.js';
export { type PipelineStats, type RunningPipeline, type RunOptions, startPipeline } from './run.js';
export { StoreWriter, type StoreWriterOptions, type StoreWriterStats } from './store-writer.js';
