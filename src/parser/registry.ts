/**
 * The built-in formats by id, and the order auto-detection tries them in. The order matters
 * where layouts overlap: the stricter format comes first (CEF before the syslog header it may
 * sit in, logfmt before kv, python's `[stamp] LEVEL in` before `app`).
 */
import { UsageError } from '../core/errors.js';
import { apacheCombined } from './formats/apache-combined.js';
import { apacheCommon } from './formats/apache-common.js';
import { apacheError } from './formats/apache-error.js';
import { app } from './formats/app.js';
import { cef } from './formats/cef.js';
import { generic } from './formats/generic.js';
import { go } from './formats/go.js';
import { json } from './formats/json.js';
import { klog } from './formats/klog.js';
import { kv } from './formats/kv.js';
import { log4j } from './formats/log4j.js';
import { logcat } from './formats/logcat.js';
import { logfmt } from './formats/logfmt.js';
import { nginxAccess } from './formats/nginx-access.js';
import { nginxError } from './formats/nginx-error.js';
import { python } from './formats/python.js';
import { redis } from './formats/redis.js';
import { supercomputer } from './formats/supercomputer.js';
import { syslogRfc3164 } from './formats/syslog-rfc3164.js';
import { syslogRfc5424 } from './formats/syslog-rfc5424.js';
import { unknown } from './formats/unknown.js';
import type { FormatDef } from './types.js';

/** Formats auto-detection tries, in order (`generic` and `unknown` are fallbacks, never winners). */
export const AUTO_ORDER: readonly FormatDef[] = [
  json,
  supercomputer,
  syslogRfc5424,
  cef,
  syslogRfc3164,
  redis,
  apacheCombined,
  apacheError,
  python,
  app,
  nginxError,
  go,
  klog,
  logcat,
  log4j,
  logfmt,
  kv,
];

/** Formats only chosen by name. */
const BY_NAME_ONLY: readonly FormatDef[] = [apacheCommon, nginxAccess, generic, unknown];

const BY_ID = new Map<string, FormatDef>([...AUTO_ORDER, ...BY_NAME_ONLY].map((f) => [f.id, f]));

/** Every format id a user may name (besides `auto`), `unknown` last. */
export const FORMAT_IDS: readonly string[] = [...BY_ID.keys()]
  .filter((id) => id !== 'unknown')
  .sort()
  .concat('unknown');

/** The format with this id, or undefined. */
export function findFormat(id: string): FormatDef | undefined {
  return BY_ID.get(id);
}

/** Resolves a user-given format name: `auto` gives null; an unknown name is a UsageError. */
export function resolveFormat(name: string | undefined): FormatDef | null {
  if (name === undefined || name === '' || name === 'auto') return null;
  const f = BY_ID.get(name);
  if (!f) throw new UsageError(`unknown format "${name}": expected auto or one of ${FORMAT_IDS.join(', ')}`);
  return f;
}
