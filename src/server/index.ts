/** The HTTP API served by the storage process. */
export { type AppOptions, createApp } from './app.js';
export { findServer, readServerInfo, type ServerInfo, serverInfoPath } from './discovery.js';
export { type ListenOptions, type RunningServer, startServer } from './listen.js';
export { addOpsRoutes, addTimeReceived, type ComponentCounters, type ComponentStatus } from './ops.js';
export {
  countTimeSources,
  MAX_ROWS,
  type QueryRequest,
  type QueryResponse,
  runQuery,
  TIME_SOURCES_QUERY,
  type TimeSources,
  timeSourcesOf,
} from './query-service.js';
