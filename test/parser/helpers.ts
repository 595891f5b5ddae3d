/** Shared bits for the format tests: a fixed context and ISO → µs. */
import { UTC } from '../../src/parser/timestamps/index.js';
import type { ParseContext } from '../../src/parser/types.js';

/** Lines are read at 2026-11-27T12:00:00Z in these tests. */
export const READ_AT = Date.UTC(2026, 10, 27, 12, 0, 0);
export const ctx: ParseContext = { zone: UTC, refMs: READ_AT };
/** ISO text to epoch µs. */
export const us = (iso: string): number => Date.parse(iso) * 1000;
