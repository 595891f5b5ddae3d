/**
 * The checks a config gets before anything starts, beyond its schema (core/config.ts): every
 * value that names something outside the config — a parser or generator format, a time zone,
 * a user pattern, a regular expression, a directory to write, a port — is looked up here, so a
 * mistake is one line naming the key and the choices, not a pipeline that starts and then
 * fails in a worker. The schema cannot do it: the format ids live in the components, and core
 * imports none.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { GENERATOR_FORMATS } from '../generator/index.js';
import { createParser, PARSER_FORMATS } from '../parser/index.js';
import { parserOptions } from './parser-options.js';

/** Throws a ConfigError naming the first value of `config` that names nothing that exists. */
export function checkConfig(config: Config): void {
  // The zone and the user patterns: createParser checks them and names their keys.
  createParser(parserOptions(config.parse));
  const parserFormats = ['auto', ...PARSER_FORMATS, ...config.parse.patterns.map((p) => p.name)];
  checkChoice('parse.default_format', 'format', config.parse.default_format, parserFormats);
  config.sources.forEach((s, i) => {
    checkChoice(`sources[${i}].format`, 'format', s.format, parserFormats);
    if (s.type === 'file' && s.multiline?.mode === 'pattern' && s.multiline.start !== undefined) {
      checkRegex(`sources[${i}].multiline.start`, s.multiline.start);
    }
  });
  config.generators.forEach((g, i) => {
    checkChoice(`generators[${i}].format`, 'format', g.format, GENERATOR_FORMATS);
    if (g.path !== '-') checkWritableDir(`generators[${i}].path`, dirname(resolve(g.path)));
  });
  checkWritableDir('data_dir', resolve(config.data_dir));
  checkPorts(config);
}

/** `value` must be one of `choices`; else the choices, and the one most likely meant. */
function checkChoice(key: string, what: string, value: string, choices: readonly string[]): void {
  if (choices.includes(value)) return;
  throw new ConfigError(
    key,
    `unknown ${what} "${value}"; choose one of: ${choices.join(', ')}${didYouMean(value, choices)}`,
  );
}

function checkRegex(key: string, source: string): void {
  try {
    new RegExp(source);
  } catch (err) {
    throw new ConfigError(key, `not a valid regular expression: ${(err as Error).message}`);
  }
}

/**
 * `dir` is a directory logpipe may write, or can become one: its nearest existing ancestor is a
 * directory this process may write in. Nothing is created here (`store --stats` reads a config
 * and must leave no directory behind).
 */
function checkWritableDir(key: string, dir: string): void {
  let cur = dir;
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(cur).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(cur) !== cur) {
        cur = dirname(cur);
        continue;
      }
      throw new ConfigError(key, `cannot use ${dir}: ${cur} cannot be read (${code})`);
    }
    if (!isDir) {
      throw new ConfigError(key, `cannot use ${dir}: ${cur} is a file, not a directory`);
    }
    try {
      accessSync(cur, constants.W_OK);
    } catch {
      throw new ConfigError(
        key,
        cur === dir
          ? `cannot write in ${dir} (not permitted or a read-only file system)`
          : `cannot create ${dir}: ${cur} cannot be written (not permitted or a read-only file system)`,
      );
    }
    return;
  }
}

/** No two listeners of the config claim one port (0, any free port, claims none). */
function checkPorts(config: Config): void {
  const claims = new Map<string, string>();
  const claim = (key: string, proto: 'tcp' | 'udp', host: string, port: number): void => {
    if (port === 0) return;
    const id = `${proto} ${host}:${port}`;
    const other = claims.get(id);
    if (other !== undefined) {
      throw new ConfigError(key, `port ${port}/${proto} on ${host} is also ${other}'s; give each its own`);
    }
    claims.set(id, key);
  };
  claim('server.port', 'tcp', config.server.host, config.server.port);
  config.sources.forEach((s, i) => {
    if (s.type === 'syslog')
      claim(`sources[${i}].port`, s.protocol === 'udp' ? 'udp' : 'tcp', s.host, s.port);
  });
}
