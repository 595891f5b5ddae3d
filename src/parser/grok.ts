/**
 * Grok: regular expressions assembled from named building blocks, as Logstash and Elastic ingest
 * write them: `%{IP:client_ip} %{NUMBER:bytes:int} %{GREEDYDATA:message}`. The library below is
 * the commonly used part of Logstash's `grok-patterns`, with JavaScript regex syntax (no atomic
 * groups) and bounded repetition where the originals could backtrack badly.
 */
import { ConfigError } from '../core/errors.js';

/** The standard pattern library. */
export const GROK_LIBRARY: Readonly<Record<string, string>> = {
  USERNAME: '[a-zA-Z0-9._-]+',
  USER: '%{USERNAME}',
  EMAILLOCALPART: "[a-zA-Z0-9!#$%&'*+\\-/=?^_`{|}~]{1,64}(?:\\.[a-zA-Z0-9!#$%&'*+\\-/=?^_`{|}~]{1,62}){0,63}",
  EMAILADDRESS: '%{EMAILLOCALPART}@%{HOSTNAME}',
  INT: '(?:[+-]?(?:[0-9]+))',
  BASE10NUM: '(?:[+-]?(?:[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+))',
  NUMBER: '(?:%{BASE10NUM})',
  BASE16NUM: '(?:(?:0[xX])?[0-9a-fA-F]+)',
  BASE16FLOAT: '(?:[+-]?(?:0[xX])?(?:[0-9A-Fa-f]+(?:\\.[0-9A-Fa-f]*)?|\\.[0-9A-Fa-f]+))',
  POSINT: '\\b(?:[1-9][0-9]*)\\b',
  NONNEGINT: '\\b(?:[0-9]+)\\b',
  WORD: '\\b\\w+\\b',
  NOTSPACE: '\\S+',
  SPACE: '\\s*',
  DATA: '.*?',
  GREEDYDATA: '.*',
  QUOTEDSTRING: `(?:"(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*'|\`(?:[^\`\\\\]|\\\\.)*\`)`,
  QS: '%{QUOTEDSTRING}',
  UUID: '[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}',
  URN: "urn:[0-9A-Za-z][0-9A-Za-z-]{0,31}:(?:%[0-9a-fA-F]{2}|[0-9A-Za-z()+,.:=@;$_!*'/?#-])+",
  MAC: '(?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC})',
  CISCOMAC: '(?:(?:[A-Fa-f0-9]{4}\\.){2}[A-Fa-f0-9]{4})',
  WINDOWSMAC: '(?:(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2})',
  COMMONMAC: '(?:(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2})',
  IPV6: '(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?|::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)(?:(?<=:)%{IPV4})?(?:%[0-9A-Za-z]+)?',
  IPV4: '(?<![0-9])(?:(?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])\\.){3}(?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])(?![0-9])',
  IP: '(?:%{IPV6}|%{IPV4})',
  HOSTNAME: '\\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*\\.?',
  IPORHOST: '(?:%{IP}|%{HOSTNAME})',
  HOSTPORT: '%{IPORHOST}:%{POSINT}',
  PATH: '(?:%{UNIXPATH}|%{WINPATH})',
  UNIXPATH: '(?:/[^/\\s]*)+',
  WINPATH: '(?:[A-Za-z]+:|\\\\)(?:\\\\[^\\\\?*\\s]*)+',
  TTY: '(?:/dev/(?:pts|tty(?:[pq])?)(?:\\w+)?/?(?:[0-9]+))',
  URIPROTO: '[A-Za-z](?:[A-Za-z0-9+\\-.]+)+',
  URIHOST: '%{IPORHOST}(?::%{POSINT})?',
  URIPATH: "(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\\-]*)+",
  URIPARAM: "\\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\\-\\[\\]<>]*",
  URIPATHPARAM: '%{URIPATH}(?:%{URIPARAM})?',
  URI: '%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?',
  MONTH:
    '\\b(?:[Jj]an(?:uary)?|[Ff]eb(?:ruary)?|[Mm]ar(?:ch)?|[Aa]pr(?:il)?|[Mm]ay|[Jj]un(?:e)?|[Jj]ul(?:y)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo]ct(?:ober)?|[Nn]ov(?:ember)?|[Dd]ec(?:ember)?)\\b',
  MONTHNUM: '(?:0?[1-9]|1[0-2])',
  MONTHNUM2: '(?:0[1-9]|1[0-2])',
  MONTHDAY: '(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])',
  DAY: '(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)',
  YEAR: '(?:\\d\\d){1,2}',
  HOUR: '(?:2[0123]|[01]?[0-9])',
  MINUTE: '(?:[0-5][0-9])',
  SECOND: '(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)',
  TIME: '(?<![0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])',
  DATE_US: '%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}',
  DATE_EU: '%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}',
  ISO8601_TIMEZONE: '(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))',
  ISO8601_SECOND: '%{SECOND}',
  TIMESTAMP_ISO8601:
    '%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?',
  DATE: '(?:%{DATE_US}|%{DATE_EU})',
  DATESTAMP: '%{DATE}[- ]%{TIME}',
  TZ: '(?:[APMCE][SD]T|UTC)',
  DATESTAMP_RFC822: '%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}',
  DATESTAMP_RFC2822: '%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE}',
  DATESTAMP_OTHER: '%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}',
  DATESTAMP_EVENTLOG: '%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND}',
  HTTPDERROR_DATE: '%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{YEAR}',
  SYSLOGTIMESTAMP: '%{MONTH} +%{MONTHDAY} %{TIME}',
  PROG: '[\\x21-\\x5a\\x5c\\x5e-\\x7e]+',
  SYSLOGPROG: '%{PROG:program}(?:\\[%{POSINT:pid}\\])?',
  SYSLOGHOST: '%{IPORHOST}',
  SYSLOGFACILITY: '<%{NONNEGINT:facility}.%{NONNEGINT:priority}>',
  HTTPDATE: '%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}',
  LOGLEVEL:
    '(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo(?:rmation)?|INFO(?:RMATION)?|[Ww]arn(?:ing)?|WARN(?:ING)?|[Ee]rr(?:or)?|ERR(?:OR)?|[Cc]rit(?:ical)?|CRIT(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)',
  HTTPDUSER: '(?:%{EMAILADDRESS}|%{USER})',
  COMMONAPACHELOG:
    '%{IPORHOST:clientip} %{HTTPDUSER:ident} %{USER:auth} \\[%{HTTPDATE:timestamp}\\] "(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})" %{NUMBER:response} (?:%{NUMBER:bytes}|-)',
  COMBINEDAPACHELOG: '%{COMMONAPACHELOG} %{QS:referrer} %{QS:agent}',
};

/** How a captured value is converted. */
export type FieldType = 'int' | 'float' | 'string' | 'bool';
const TYPES = new Set(['int', 'float', 'string', 'bool']);

/** A compiled pattern: the regex and, per capture group name, the field and its type. */
export interface CompiledGrok {
  source: string;
  regex: RegExp;
  /** Group name in `regex` → field name and conversion. */
  captures: Map<string, { field: string; type: FieldType | undefined }>;
}

const REF = /%\{([A-Za-z0-9_]+)(?::([^:}]+))?(?::([A-Za-z]+))?\}/g;
const MAX_DEPTH = 32;

/** `[http][method]` → `http.method`; plain names stay. */
function fieldName(spec: string): string {
  if (spec.charCodeAt(0) !== 91) return spec;
  return spec
    .replace(/^\[|\]$/g, '')
    .split('][')
    .join('.');
}

/**
 * The character offset where a regex source stops being valid: the shortest prefix that already
 * fails with the whole pattern's error. Best effort; the end of the text when none does.
 */
export function regexErrorPosition(source: string, build: (prefix: string) => string = (p) => p): number {
  let whole: string;
  try {
    new RegExp(build(source));
    return -1;
  } catch (err) {
    whole = reason(err);
  }
  for (let k = 1; k <= source.length; k++) {
    try {
      new RegExp(build(source.slice(0, k)));
    } catch (err) {
      if (reason(err) === whole) return k - 1;
    }
  }
  return source.length;
}

/** The part of a SyntaxError message after the pattern: `Unterminated group`. */
export function reason(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  const i = m.lastIndexOf(': ');
  return i >= 0 ? m.slice(i + 2) : m;
}

/**
 * Compiles a grok expression against the library and `extra` user definitions. Throws
 * ConfigError (key `key`) naming the pattern, what is wrong, and the 1-based position in `grok`.
 */
export function compileGrok(
  grok: string,
  opts: {
    name: string;
    key: string;
    extra?: Readonly<Record<string, string>>;
    types?: Readonly<Record<string, string>>;
  },
): CompiledGrok {
  const lib = opts.extra ? { ...GROK_LIBRARY, ...opts.extra } : GROK_LIBRARY;
  const captures = new Map<string, { field: string; type: FieldType | undefined }>();
  const fail = (detail: string, pos: number): never => {
    throw new ConfigError(opts.key, `pattern "${opts.name}": ${detail} at position ${pos + 1}`);
  };

  const expand = (text: string, depth: number, topLevel: boolean, stack: string[]): string => {
    let out = '';
    let last = 0;
    REF.lastIndex = 0;
    const refs = [...text.matchAll(REF)];
    for (const m of refs) {
      const at = m.index ?? 0;
      out += text.slice(last, at);
      last = at + m[0].length;
      const [, syntax, semantic, type] = m;
      const def = lib[syntax];
      if (def === undefined) {
        if (topLevel) fail(`unknown grok pattern %{${syntax}}`, at);
        fail(`unknown grok pattern %{${syntax}} (used by %{${stack[stack.length - 1]}})`, 0);
      }
      if (stack.includes(syntax) || depth >= MAX_DEPTH) {
        fail(`grok pattern %{${syntax}} refers to itself`, topLevel ? at : 0);
      }
      if (type !== undefined && !TYPES.has(type)) {
        fail(`unknown type "${type}" (expected int, float, string or bool)`, topLevel ? at : 0);
      }
      const inner = expand(def, depth + 1, false, [...stack, syntax]);
      if (semantic !== undefined) {
        const group = `g${captures.size}`;
        const field = fieldName(semantic);
        captures.set(group, { field, type: (type ?? opts.types?.[field]) as FieldType | undefined });
        out += `(?<${group}>${inner})`;
      } else {
        out += `(?:${inner})`;
      }
    }
    out += text.slice(last);
    return out;
  };

  // A `%{` that does not start a well-formed reference is a typo worth naming, not regex text.
  const sticky = new RegExp(REF.source, 'y');
  for (let at = grok.indexOf('%{'); at >= 0; at = grok.indexOf('%{', at + 2)) {
    sticky.lastIndex = at;
    if (!sticky.test(grok)) fail('unclosed or malformed %{...} reference', at);
  }

  const body = expand(grok, 0, true, []);
  const anchored = body.startsWith('^') ? body : `^(?:${body})`;
  let regex: RegExp;
  try {
    regex = new RegExp(anchored);
  } catch (err) {
    const pos = regexErrorPosition(grok, (p) => {
      try {
        return expandLoose(p, lib);
      } catch {
        return '(';
      }
    });
    fail(`invalid regular expression (${reason(err)})`, Math.max(pos, 0));
  }
  // Named groups written directly in the text are fields too.
  for (const name of namedGroups(anchored)) {
    if (!captures.has(name))
      captures.set(name, { field: name, type: opts.types?.[name] as FieldType | undefined });
  }
  return { source: anchored, regex: regex!, captures };
}

/** Expansion without checks, for locating a regex error by prefix. */
function expandLoose(text: string, lib: Readonly<Record<string, string>>, depth = 0): string {
  if (depth > MAX_DEPTH) return '';
  return text.replace(REF, (_m, syntax: string, semantic?: string) => {
    const def = lib[syntax];
    const inner = def === undefined ? '' : expandLoose(def, lib, depth + 1);
    return semantic !== undefined ? `(${inner})` : `(?:${inner})`;
  });
}

/** Names of `(?<name>...)` groups in a regex source. */
export function namedGroups(source: string): string[] {
  const out: string[] = [];
  const re = /\(\?<([A-Za-z_$][A-Za-z0-9_$]*)>/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    // Skip escaped parentheses: `\(?<` is text.
    let b = m.index - 1;
    let slashes = 0;
    while (b >= 0 && source.charCodeAt(b) === 92) {
      slashes++;
      b--;
    }
    if (slashes % 2 === 0) out.push(m[1]);
  }
  return out;
}
