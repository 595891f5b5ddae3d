/** The format registry: every generator format by id, in the order `--help` lists them. */
import { UsageError } from '../../core/errors.js';
import { apacheCombined } from './apache-combined.js';
import { apacheCommon } from './apache-common.js';
import { apacheError } from './apache-error.js';
import { app } from './app.js';
import type { LogFormat } from './format.js';
import { java } from './java.js';
import { json } from './json.js';
import { logfmt } from './logfmt.js';
import { mixedFormat } from './mixed.js';
import { nginxAccess } from './nginx-access.js';
import { nginxError } from './nginx-error.js';
import { python } from './python.js';
import { syslogRfc3164 } from './syslog-rfc3164.js';
import { syslogRfc5424 } from './syslog-rfc5424.js';

const SINGLE: readonly LogFormat[] = [
  apacheCommon,
  apacheCombined,
  apacheError,
  nginxAccess,
  nginxError,
  syslogRfc3164,
  syslogRfc5424,
  json,
  logfmt,
  java,
  python,
  app,
];

const ALL: readonly LogFormat[] = [...SINGLE, mixedFormat(SINGLE)];

const BY_ID = new Map(ALL.map((f) => [f.id, f]));

/** Every format id, in registry order. */
export const FORMAT_IDS: readonly string[] = ALL.map((f) => f.id);

/** Every format, in registry order. */
export function listFormats(): readonly LogFormat[] {
  return ALL;
}

/** The format with this id; a UsageError listing the known ids otherwise. */
export function getFormat(id: string): LogFormat {
  const f = BY_ID.get(id);
  if (!f) throw new UsageError(`unknown format "${id}": expected one of ${FORMAT_IDS.join(', ')}`);
  return f;
}
