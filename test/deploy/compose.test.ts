/**
 * The container deployment, checked without a Docker engine (CI has none, and images are not
 * built there): docker-compose.yml is parsed and normalised by `docker-compose config`, the config
 * the containers share is loaded by logpipe's own loader, and the Dockerfile's entry point exists.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import picomatch from 'picomatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/core/config.js';
import { tempDir } from '../helpers/cli.js';
import { ensureCommand } from '../helpers/system-package.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = '/etc/logpipe/logpipe.yaml';
const TOKEN = 'compose-test-token';

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  volumes?: unknown[];
  ports?: unknown[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
}

/** Runs `docker-compose ... config` on the repo's compose file; fails plainly when it is not installed. */
function composeConfig(env: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string } {
  // An empty env file, and no LOGPIPE_TOKEN inherited: a developer's .env must not change the check.
  const envFile = join(tempDir(), 'empty.env');
  writeFileSync(envFile, '');
  const { LOGPIPE_TOKEN: _, ...inherited } = process.env;
  const r = spawnSync('docker-compose', ['--env-file', envFile, '-f', 'docker-compose.yml', 'config'], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    encoding: 'utf8',
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      "docker-compose is not installed: install Debian's package (apt-get install docker-compose); its " +
        '`docker-compose config` checks the compose file without a Docker engine',
    );
  }
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let normalised: Record<string, Service> | undefined;

/** The services as docker-compose normalises them (run once, with a token set). */
function services(): Record<string, Service> {
  if (normalised) return normalised;
  const r = composeConfig({ LOGPIPE_TOKEN: TOKEN });
  if (r.code !== 0) throw new Error(`docker-compose config failed (exit ${r.code}): ${r.stderr.trim()}`);
  normalised = (parseYaml(r.stdout) as { services: Record<string, Service> }).services;
  return normalised;
}

/** `source:target:ro|rw`, from compose v1's short form or v2's long form. */
function volume(v: unknown): string {
  if (typeof v === 'string') {
    const [source, target, mode = 'rw'] = v.split(':');
    return `${posix.isAbsolute(source) ? posix.relative(ROOT, source) : source}:${target}:${mode}`;
  }
  const o = v as { source: string; target: string; read_only?: boolean };
  const source = posix.isAbsolute(o.source) ? posix.relative(ROOT, o.source) : o.source;
  return `${source}:${o.target}:${o.read_only ? 'ro' : 'rw'}`;
}

/** `host_ip:published->target`, from either form. */
function port(p: unknown): string {
  if (typeof p === 'string') {
    const [ip, published, target] = p.replace(/\/tcp$/, '').split(':');
    return `${ip}:${published}->${target}`;
  }
  const o = p as { host_ip?: string; published: string | number; target: number };
  return `${o.host_ip ?? ''}:${o.published}->${o.target}`;
}

describe('docker-compose.yml', () => {
  // Debian's package parses the file without a Docker engine; installed here when missing.
  beforeAll(() => ensureCommand('docker-compose', 'docker-compose'), 300_000);

  it('runs the four components, each with its own command', () => {
    const s = services();
    expect(Object.keys(s).sort()).toEqual(['collector', 'generator', 'parser', 'store']);
    expect(s.store.command).toEqual(['store', '--serve', '--config', CONFIG]);
    expect(s.parser.command).toEqual([
      'parse',
      '--listen',
      '0.0.0.0:7281',
      '--to',
      'http://store:7280',
      '--config',
      CONFIG,
    ]);
    expect(s.collector.command).toEqual([
      'collect',
      '--config',
      CONFIG,
      '--to',
      'http://parser:7281',
      '--metrics-host',
      '0.0.0.0',
      '--metrics-port',
      '7282',
    ]);
    expect(s.generator.command).toEqual([
      'generate',
      '--format',
      'apache_combined',
      '--rate',
      '50',
      '-o',
      '/logs/app.log',
      '--rotate-lines',
      '10000',
      '--rotate-mode',
      'rename',
    ]);
  });

  it('shares the logs volume (collector read-only) and gives each stateful container its own', () => {
    const s = services();
    const shared = `deploy/logpipe.yaml:${CONFIG}:ro`;
    expect(s.generator.volumes!.map(volume)).toEqual(['logs:/logs:rw']);
    expect(s.collector.volumes!.map(volume).sort()).toEqual(
      ['collector-state:/var/lib/logpipe:rw', shared, 'logs:/logs:ro'].sort(),
    );
    expect(s.store.volumes!.map(volume).sort()).toEqual(['data:/var/lib/logpipe:rw', shared].sort());
    expect(s.parser.volumes!.map(volume)).toEqual([shared]);
  });

  it("publishes only the store's API, on the host's loopback", () => {
    const s = services();
    expect(s.store.ports!.map(port)).toEqual(['127.0.0.1:7280->7280']);
    for (const name of ['parser', 'collector', 'generator']) expect(s[name].ports ?? []).toEqual([]);
  });

  it('hands every HTTP link the token, and lets the store bind beyond loopback', () => {
    const s = services();
    expect(s.store.environment).toEqual({ LOGPIPE_SERVER__HOST: '0.0.0.0', LOGPIPE_SERVER__TOKEN: TOKEN });
    expect(s.parser.environment).toEqual({ LOGPIPE_SERVER__TOKEN: TOKEN });
    expect(s.collector.environment).toEqual({ LOGPIPE_SERVER__TOKEN: TOKEN });
    expect(s.generator.environment).toBeUndefined();
  });

  it('starts the parser after a healthy store and the collector after a healthy parser', () => {
    const s = services();
    expect(s.parser.depends_on).toMatchObject({ store: { condition: 'service_healthy' } });
    expect(s.collector.depends_on).toMatchObject({ parser: { condition: 'service_healthy' } });
    expect(s.store.healthcheck!.test!.join(' ')).toContain('http://127.0.0.1:7280/healthz');
    expect(s.parser.healthcheck!.test!.join(' ')).toContain('http://127.0.0.1:7281/healthz');
    expect(s.collector.healthcheck!.test!.join(' ')).toContain('http://127.0.0.1:7282/healthz');
  });

  it('refuses to start without LOGPIPE_TOKEN rather than run the API unguarded', () => {
    const r = composeConfig({});
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('set LOGPIPE_TOKEN');
  });
});

describe('deploy/logpipe.yaml', () => {
  it('is a valid config, as the store container loads it', () => {
    const c = loadConfig({
      file: join(ROOT, 'deploy/logpipe.yaml'),
      env: {
        LOGPIPE_DATA_DIR: '/var/lib/logpipe',
        LOGPIPE_SERVER__HOST: '0.0.0.0',
        LOGPIPE_SERVER__TOKEN: TOKEN,
      },
    });
    expect(c.data_dir).toBe('/var/lib/logpipe');
    expect(c.server).toEqual({ host: '0.0.0.0', port: 7280, token: TOKEN });
  });

  it("makes the collector tail the generator's file", () => {
    const c = loadConfig({ file: join(ROOT, 'deploy/logpipe.yaml') });
    const files = c.sources.flatMap((s) => (s.type === 'file' ? s.paths : []));
    expect(files.some((glob) => picomatch(glob)('/logs/app.log'))).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = (name: string) =>
    [...dockerfile.matchAll(new RegExp(`^${name}\\s+(.+)$`, 'gm'))].map((m) => m[1].trim());

  it("enters at the built CLI, the package's bin, run as an executable so its launcher applies", () => {
    const [entrypoint] = instructions('ENTRYPOINT').map((a) => JSON.parse(a) as string[]);
    expect(entrypoint).toEqual(['/app/dist/bundle/cli/main.js']);
    expect(instructions('WORKDIR').at(-1)).toBe('/app');
    const inApp = posix.relative('/app', entrypoint[0]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { logpipe: string } };
    expect(inApp).toBe(pkg.bin.logpipe);
    expect(existsSync(join(ROOT, inApp)), `${inApp} after the build`).toBe(true);
    expect(instructions('USER').at(-1)).toBe('node');
  });

  it('copies only what .dockerignore lets into the build context', () => {
    const allowed = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).replace(/\/$/, ''));
    const fromContext = instructions('COPY')
      .filter((a) => !a.startsWith('--from'))
      .flatMap((a) => a.split(/\s+/).slice(0, -1));
    expect(fromContext.length).toBeGreaterThan(0);
    for (const path of fromContext) expect(allowed, path).toContain(path);
  });
});
