/**
 * Defaults of collecting and line reading, each written once: the config schema (config.ts)
 * and the code that runs without a config (the collector's options, its stdin and syslog
 * inputs, the line reader) take them from here. This module imports nothing, so the CLI's
 * start-up and the collector do not load zod or YAML to learn a number.
 */

/** Lines longer than this are cut and flagged. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** How often a file source looks for new data and new files. */
export const DEFAULT_POLL_INTERVAL_MS = 250;

/** Where a file seen for the first time, with no checkpoint, is read from. */
export const DEFAULT_START_AT = 'beginning';

/** Events per batch an input hands out, at most. */
export const DEFAULT_BATCH_LINES = 5000;

/** Unacknowledged batches an input keeps out, at most; reading pauses at the bound. */
export const DEFAULT_BATCHES_IN_FLIGHT = 8;

/** Multi-line joining: a pending event is emitted after this long without a new line. */
export const DEFAULT_MULTILINE_TIMEOUT_MS = 1000;

/** Multi-line joining: lines per joined event, at most. */
export const DEFAULT_MULTILINE_MAX_LINES = 500;

/**
 * Lines longer than this are cut on a syslog source of the config: a UDP datagram holds at most
 * 64 KiB. `logpipe collect --syslog` without a config keeps DEFAULT_MAX_LINE_BYTES, as documented.
 */
export const DEFAULT_SYSLOG_MAX_LINE_BYTES = 64 * 1024;

/** Address a syslog input binds to: loopback unless told otherwise. */
export const DEFAULT_SYSLOG_HOST = '127.0.0.1';
