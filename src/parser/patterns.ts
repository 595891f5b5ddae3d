/**
 * User patterns as formats: a grok or regex pattern compiled once, matched per line. Captures
 * named like the event's own properties set them (`timestamp`/`ts`/`time`, `level`, `message`/
 * `msg`, `service`, `host`); the rest become fields, converted by their declared type.
 */
import { ConfigError } from '../core/errors.js';
import type { Fields, FieldValue, Level } from '../core/events.js';
import type { PatternConfig } from '../core/parse-config.js';
import { jsonLevel } from './formats/json.js';
import {
  type CompiledGrok,
  compileGrok,
  type FieldType,
  namedGroups,
  reason,
  regexErrorPosition,
} from './grok.js';
import { epochToMicros, parseEpochText, scan, scanAnyTime } from './timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from './types.js';

const TS_NAMES = new Set(['timestamp', 'ts', 'time', '@timestamp']);
const LEVEL_NAMES = new Set(['level', 'severity', 'loglevel']);
const MESSAGE_NAMES = new Set(['message', 'msg']);

function convert(v: string, type: FieldType | undefined): FieldValue | undefined {
  if (v === '' || v === '-') return undefined;
  switch (type) {
    case 'int': {
      const n = Number.parseInt(v, 10);
      return Number.isNaN(n) ? v : n;
    }
    case 'float': {
      const n = Number.parseFloat(v);
      return Number.isNaN(n) ? v : n;
    }
    case 'bool':
      return v === 'true' || v === 'yes' || v === '1' || v === 'on';
    default:
      return v;
  }
}

/** A capture holding a time, in any layout the parser knows (or epoch digits). */
function captureTime(v: string, ctx: ParseContext): number {
  const t = scanAnyTime(v, 0, ctx.zone, ctx.refMs);
  if (!Number.isNaN(t) && scan.end >= v.length - 1) return t;
  const e = parseEpochText(v);
  if (!Number.isNaN(e)) return e;
  const n = Number(v);
  return v !== '' && Number.isFinite(n) && n > 1e8 ? epochToMicros(n) : Number.NaN;
}

function compile(
  p: PatternConfig,
  index: number,
  grokPatterns: Readonly<Record<string, string>>,
): CompiledGrok {
  if (p.grok !== undefined) {
    return compileGrok(p.grok, {
      name: p.name,
      key: `parse.patterns[${index}].grok`,
      extra: grokPatterns,
      types: p.fields_types,
    });
  }
  const source = p.regex ?? '';
  let regex: RegExp;
  try {
    regex = new RegExp(source);
  } catch (err) {
    const pos = Math.max(0, regexErrorPosition(source));
    throw new ConfigError(
      `parse.patterns[${index}].regex`,
      `pattern "${p.name}": invalid regular expression (${reason(err)}) at position ${pos + 1}`,
    );
  }
  const captures = new Map<string, { field: string; type: FieldType | undefined }>();
  for (const name of namedGroups(source)) captures.set(name, { field: name, type: p.fields_types?.[name] });
  if (captures.size === 0) {
    throw new ConfigError(
      `parse.patterns[${index}].regex`,
      `pattern "${p.name}": has no named groups (?<field>...)`,
    );
  }
  return { source, regex, captures };
}

/** A format for one user pattern. */
function patternFormat(p: PatternConfig, c: CompiledGrok): FormatDef {
  const entries = [...c.captures.entries()];
  const parse = (line: string, ctx: ParseContext): Parsed | null => {
    const m = c.regex.exec(line);
    if (m === null || m.groups === undefined) return null;
    const g = m.groups;
    const fields: Fields = {};
    let ts = Number.NaN;
    let level: Level = 'unknown';
    let message: string | null = null;
    let service: string | null = null;
    let host: string | null = null;
    for (const [group, { field, type }] of entries) {
      const v = g[group];
      if (v === undefined) continue;
      if (TS_NAMES.has(field) && Number.isNaN(ts)) {
        const t = captureTime(v, ctx);
        if (!Number.isNaN(t)) {
          ts = t;
          continue;
        }
      } else if (LEVEL_NAMES.has(field) && level === 'unknown') {
        level = jsonLevel(v);
        if (v.toLowerCase() !== level) fields.level_raw = v;
        continue;
      } else if (MESSAGE_NAMES.has(field) && message === null) {
        message = v;
        continue;
      } else if (field === 'service' && service === null && v !== '') {
        service = v;
        continue;
      } else if ((field === 'host' || field === 'hostname') && host === null && v !== '' && v !== '-') {
        host = v;
        continue;
      }
      const cv = convert(v, type);
      if (cv !== undefined && field !== '__proto__') fields[field] = cv;
    }
    return { format: p.name, ts, level, message: message ?? line, service, host, fields };
  };
  return { id: p.name, parse, probe: () => true };
}

/**
 * Compiles user patterns into formats; a bad pattern is a ConfigError naming it and the position.
 * `reserved` are ids a pattern may not take (the built-in formats).
 */
export function compilePatterns(
  patterns: readonly PatternConfig[],
  grokPatterns: Readonly<Record<string, string>>,
  reserved: readonly string[],
): FormatDef[] {
  const seen = new Set<string>();
  return patterns.map((p, i) => {
    if (reserved.includes(p.name) || p.name === 'auto') {
      throw new ConfigError(
        `parse.patterns[${i}].name`,
        `"${p.name}" is a built-in format id; choose another name`,
      );
    }
    if (seen.has(p.name)) {
      throw new ConfigError(`parse.patterns[${i}].name`, `pattern "${p.name}" is defined twice`);
    }
    seen.add(p.name);
    return patternFormat(p, compile(p, i, grokPatterns));
  });
}
