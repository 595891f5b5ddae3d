/**
 * The last resort for a line no parser claims: kept whole, never dropped. The line is the
 * message, the level `unknown`, and the time the line was read.
 */
import type { FormatDef, ParseContext, Parsed } from '../types.js';

/** Wraps any line as an `unknown` event (its time is left to the read time). */
export function parseUnknown(line: string, _ctx?: ParseContext): Parsed {
  return {
    format: 'unknown',
    ts: Number.NaN,
    level: 'unknown',
    message: line,
    service: null,
    host: null,
    fields: {},
  };
}

/** The `unknown` format: claims every line. */
export const unknown: FormatDef = { id: 'unknown', parse: parseUnknown, probe: () => true };
