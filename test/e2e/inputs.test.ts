/** Network inputs through `logpipe run`: syslog over UDP and TCP (both framings) and HTTP. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readServerInfo } from '../../src/server/discovery.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';

let child: ChildProcess | null = null;
afterEach(() => {
  child?.kill('SIGKILL');
  child = null;
});

describe('network inputs', () => {
  it('stores syslog over UDP, TCP (newline and octet-counted) and HTTP lines', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    const [udp, tcp] = [await freePort(), await freePort()];
    const config = join(dir, 'logpipe.yaml');
    writeFileSync(
      config,
      [
        `data_dir: ${dataDir}`,
        'sources:',
        `  - { type: syslog, protocol: udp, port: ${udp}, service: udp-in }`,
        `  - { type: syslog, protocol: tcp, port: ${tcp}, service: tcp-in }`,
        'storage: { flush_interval: 50ms }',
        'server: { port: 0 }',
        '',
      ].join('\n'),
    );
    child = spawn(process.execPath, [CLI, 'run', '--config', config, '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    const url = await waitFor('the API', async () => readServerInfo(dataDir)?.url);

    const sock = createSocket('udp4');
    for (let i = 0; i < 3; i++) {
      const msg = Buffer.from(`<11>Oct 11 22:14:15 web1 app[42]: udp message ${i}`);
      await new Promise<void>((r) => sock.send(msg, udp, '127.0.0.1', () => r()));
    }
    sock.close();

    const rfc5424 = (i: number) => `<165>1 2026-10-11T22:14:15.003Z web1 app 42 ID47 - tcp octet ${i}`;
    await new Promise<void>((resolve, reject) => {
      const c = connect(tcp, '127.0.0.1', () => {
        c.write('<13>Oct 11 22:14:15 web1 app: tcp newline 0\n<13>Oct 11 22:14:16 web1 app: tcp newline 1\n');
        for (let i = 0; i < 2; i++) {
          const m = rfc5424(i);
          c.write(`${Buffer.byteLength(m)} ${m}`);
        }
        c.end(resolve);
      });
      c.on('error', reject);
    });

    const res = await fetch(`${url}/api/ingest?source=http-test`, {
      method: 'POST',
      body: '{"level":"warn","msg":"over http","service":"api"}\nplain http line\n',
    });
    expect(await res.json()).toEqual({ stored: 2, duplicates: 0 });

    await waitFor('all messages stored', async () => {
      const stats = (await (await fetch(`${url}/api/stats`)).json()) as { rows: number };
      return stats.rows >= 9 ? true : undefined;
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    child = null;

    const q = async (query: string) => {
      const r = await runCli([
        'query',
        query,
        '--data-dir',
        dataDir,
        '--format',
        'ndjson',
        '--limit',
        '1000',
      ]);
      expect(r.stderr).toBe('');
      return r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    };
    // The program name in each line is its service; the source names the listener.
    const udpRows = await q(`source:"syslog:udp:127.0.0.1:${udp}"`);
    expect(udpRows).toHaveLength(3);
    for (const r of udpRows)
      expect(r).toMatchObject({ format: 'syslog_rfc3164', level: 'error', service: 'app' });
    const tcpRows = await q(`source:"syslog:tcp:127.0.0.1:${tcp}"`);
    expect(tcpRows.map((r) => r.message).sort()).toEqual(
      ['tcp newline 0', 'tcp newline 1', 'tcp octet 0', 'tcp octet 1'].map((m) => expect.stringContaining(m)),
    );
    expect(await q('source:http-test')).toHaveLength(2);
    expect((await q('*')).length).toBe(9);
  });
});
