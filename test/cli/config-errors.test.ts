/**
 * A wrong config is one line naming the key, the choices and the likely intent, before anything
 * starts (issue #29 §3): no "pipeline running" followed by a crash in a parse worker.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

function configFile(lines: (dir: string) => string[]): { dir: string; file: string } {
  const dir = tempDir('logpipe-config-');
  const file = join(dir, 'logpipe.yaml');
  writeFileSync(
    file,
    [`data_dir: ${join(dir, 'data')}`, 'server: { port: 0 }', ...lines(dir), ''].join('\n'),
  );
  return { dir, file };
}

const oneLine = (stderr: string) => stderr.trimEnd().split('\n');

describe('config errors at the CLI', () => {
  it('refuses an unknown source format before starting, with the choices and a suggestion', async () => {
    const { dir, file } = configFile((d) => [
      'sources:',
      `  - { type: file, paths: ["${d}/*.log"], format: apache }`,
    ]);
    writeFileSync(
      join(dir, 'a.log'),
      '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326\n',
    );
    const r = await runCli(['run', '--config', file], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('pipeline running');
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^logpipe: config sources\[0\]\.format: unknown format "apache"; choose one of: auto, apache_combined, .*; did you mean "apache_combined"\?\n$/,
    );
    // Nothing started: no store was made.
    expect(existsSync(join(dir, 'data', 'store'))).toBe(false);
  });

  it('names an unknown key and the key it most likely meant', async () => {
    const { file } = configFile((d) => ['sources:', '  - type: file', `    path: ["${d}/*.log"]`]);
    const r = await runCli(['run', '--config', file], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('logpipe: config sources[0]: unknown key "path"; did you mean "paths"?\n');
  });

  it('checks generator formats, time zones and directories the same way', async () => {
    const { dir, file } = configFile(() => []);
    const bad = async (set: string) => (await runCli(['run', '--config', file, '--set', set])).stderr;
    writeFileSync(
      file,
      `data_dir: ${join(dir, 'data')}\ngenerators:\n  - { format: jsno, path: ${dir}/g.log }\n`,
    );
    expect(await bad('server.port=0')).toMatch(
      /^logpipe: config generators\[0\]\.format: unknown format "jsno"; choose one of: .*json.*; did you mean "json"\?\n$/,
    );
    writeFileSync(file, `data_dir: ${join(dir, 'data')}\nparse: { timezone: Mars/Base }\n`);
    expect(await bad('server.port=0')).toMatch(
      /^logpipe: config parse\.timezone: unknown time zone "Mars\/Base"/,
    );
    writeFileSync(join(dir, 'plain-file'), '');
    writeFileSync(file, `data_dir: ${join(dir, 'plain-file', 'data')}\n`);
    expect(await bad('server.port=0')).toBe(
      `logpipe: config data_dir: cannot use ${join(dir, 'plain-file', 'data')}: ${join(dir, 'plain-file')} is a file, not a directory\n`,
    );
  });

  it('names a listener port another process holds, before the pipeline runs', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as AddressInfo).port;
    try {
      const { file } = configFile(() => ['sources:', `  - { type: syslog, protocol: tcp, port: ${port} }`]);
      const r = await runCli(['run', '--config', file], { timeoutMs: 30_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `logpipe: config sources[0].port: port ${port}/tcp on 127.0.0.1 is already in use (set another, or 0 for any)\n`,
      );
      expect(r.stdout).not.toContain('pipeline running');
    } finally {
      taken.close();
    }
  });

  it('takes relp as a syslog protocol, whose port is a TCP port no other listener may claim', async () => {
    const { file } = configFile(() => [
      'sources:',
      '  - { type: syslog, protocol: tcp, port: 25140 }',
      '  - { type: syslog, protocol: relp, port: 25140 }',
    ]);
    const r = await runCli(['run', '--config', file], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "logpipe: config sources[1].port: port 25140/tcp on 127.0.0.1 is also sources[0].port's; give each its own\n",
    );
    const typo = configFile(() => ['sources:', '  - { type: syslog, protocol: rlep, port: 0 }']);
    const t = await runCli(['run', '--config', typo.file], { timeoutMs: 30_000 });
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/^logpipe: config sources\[0\]\.protocol: .*"relp"/);
  });
});
