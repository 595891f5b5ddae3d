import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRawEvent, streamHeader } from '../../src/core/ndjson.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

const APACHE = '198.51.100.7 - - [27/Nov/2026:12:00:00 +0000] "GET /a HTTP/1.1" 500 12 "-" "curl/8.4.0"';
const JSON_LINE = '{"ts":"2026-11-27T12:00:01Z","level":"warn","msg":"slow","service":"api"}';

function outputEvents(stdout: string): Record<string, unknown>[] {
  const lines = stdout.trimEnd().split('\n');
  expect(lines[0]).toBe(streamHeader('log-events'));
  return lines.slice(1).map((l) => JSON.parse(l));
}

describe('logpipe parse', () => {
  it('parses plain lines from stdin with byte offsets and a per-run generation', async () => {
    const input = `${APACHE}\r\n${JSON_LINE}\nnot a known format\n`;
    const r = await runCli(['parse', '--source', 'web.log', '--service', 'fallback'], { input });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ev = outputEvents(r.stdout);
    expect(ev.map((e) => e.format)).toEqual(['apache_combined', 'json', 'unknown']);
    expect(ev.map((e) => e.offset)).toEqual([0, APACHE.length + 2, APACHE.length + 2 + JSON_LINE.length + 1]);
    expect(ev.map((e) => e.service)).toEqual(['fallback', 'api', 'fallback']);
    expect(ev[0]).toMatchObject({
      source: 'web.log',
      level: 'error',
      ts: '2026-11-27T12:00:00.000000Z',
      raw: APACHE,
    });
    expect(ev[0].generation).toMatch(/^stdin-[0-9a-z]+-\d+$/);
    expect(new Set(ev.map((e) => e.generation)).size).toBe(1);
  });

  it('decodes collector NDJSON after a raw-events header, passing bad lines on as unknown', async () => {
    const input = [
      streamHeader('raw-events'),
      encodeRawEvent({
        source: '/var/log/a.log',
        generation: 'fp1',
        offset: 100,
        line: APACHE,
        received_at: 1,
        host: 'h1',
      }),
      '{not json',
      encodeRawEvent({
        source: '/var/log/b.log',
        generation: 'fp2',
        offset: 7,
        line: JSON_LINE,
        received_at: 2,
      }),
    ].join('\n');
    const r = await runCli(['parse'], { input });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('line 3');
    const ev = outputEvents(r.stdout);
    expect(ev).toHaveLength(3);
    expect(ev[0]).toMatchObject({
      source: '/var/log/a.log',
      generation: 'fp1',
      offset: 100,
      host: 'h1',
      format: 'apache_combined',
    });
    expect(ev[1]).toMatchObject({ format: 'unknown', raw: '{not json', message: '{not json' });
    expect(ev[2]).toMatchObject({ source: '/var/log/b.log', offset: 7, format: 'json', level: 'warn' });
  });

  it('--timezone applies to zone-less stamps', async () => {
    const r = await runCli(['parse', '--timezone', '+02:00'], {
      input: '2026-11-27 12:00:00 INFO [main] a.B: x\n',
    });
    expect(outputEvents(r.stdout)[0]).toMatchObject({ format: 'log4j', ts: '2026-11-27T10:00:00.000000Z' });
    const bad = await runCli(['parse', '--timezone', 'Nowhere/Land'], { input: '' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown time zone "Nowhere/Land"');
  });

  it('--patterns loads user patterns from YAML, and names a bad one', async () => {
    const dir = tempDir();
    const good = join(dir, 'patterns.yaml');
    writeFileSync(good, "patterns:\n  - name: orders\n    grok: '%{WORD:verb} order %{INT:id:int}'\n");
    const r = await runCli(['parse', '--patterns', good], { input: 'placed order 42\n' });
    expect(outputEvents(r.stdout)[0]).toMatchObject({ format: 'orders', fields: { verb: 'placed', id: 42 } });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, "patterns:\n  - name: orders\n    grok: '%{WROD:verb}'\n");
    const b = await runCli(['parse', '--patterns', bad], { input: '' });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(
      'parse.patterns[0].grok: pattern "orders": unknown grok pattern %{WROD} at position 1',
    );
    writeFileSync(bad, 'patterns:\n  - name: Orders\n');
    const c = await runCli(['parse', '--patterns', bad], { input: '' });
    expect(c.stderr).toContain('parse.patterns[0]');
  });

  it('--input lines treats a header as a plain line', async () => {
    const r = await runCli(['parse', '--input', 'lines', '--format', 'unknown'], {
      input: `${streamHeader('raw-events')}\n`,
    });
    expect(outputEvents(r.stdout)).toHaveLength(1);
  });

  it('rejects an unknown format or input kind in one line, without a stack trace', async () => {
    const r = await runCli(['parse', '--format', 'nope'], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown format "nope".*apache_combined/);
    expect(r.stderr).not.toContain('    at ');
    const r2 = await runCli(['parse', '--input', 'xml'], { input: '' });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('--input');
  });

  it('keeps up with a large input, in order', async () => {
    const r = await runCli(['parse'], { input: `${APACHE}\n`.repeat(20_000) });
    expect(r.code).toBe(0);
    const ev = outputEvents(r.stdout);
    expect(ev).toHaveLength(20_000);
    expect(ev[19_999].offset).toBe(19_999 * (APACHE.length + 1));
  });

  it('exits quietly when its reader goes away', async () => {
    const child = spawn(process.execPath, [CLI, 'parse'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    // Close our end of stdout after the first chunk, like `| head -1`.
    child.stdout.once('data', () => child.stdout.destroy());
    child.stdin.on('error', () => {});
    const big = `${APACHE}\n`.repeat(5_000);
    const feed = async () => {
      for (let i = 0; i < 100 && child.exitCode === null; i++) {
        if (!child.stdin.write(big)) await new Promise((r) => setTimeout(r, 5));
      }
      child.stdin.end();
    };
    const [code] = await Promise.all([new Promise((r) => child.on('close', r)), feed()]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it('understands what `logpipe generate` writes', async () => {
    // `mixed` interleaves every generator format in one stream: one spawn each keeps this quick.
    const g = await runCli([
      'generate',
      '--format',
      'mixed',
      '--count',
      '1000',
      '--rate',
      'max',
      '--seed',
      '7',
    ]);
    expect(g.code, g.stderr).toBe(0);
    const r = await runCli(['parse'], { input: g.stdout });
    const events = outputEvents(r.stdout);
    expect(events).toHaveLength(g.stdout.trimEnd().split('\n').length);
    const seen = new Set<string>();
    for (const e of events) {
      // Stack trace lines arrive unjoined on stdin (the collector joins them): kept as unknown.
      const continuation = /^(\s|Traceback|Caused by|[\w.]+(Error|Exception)\b)/.test(e.raw as string);
      if (continuation) expect(e.format, String(e.raw)).toBe('unknown');
      else expect(e.format, String(e.raw)).not.toMatch(/^(unknown|generic)$/);
      seen.add(e.format as string);
    }
    for (const f of [
      'apache_combined',
      'apache_error',
      'nginx_error',
      'syslog_rfc3164',
      'syslog_rfc5424',
      'json',
      'logfmt',
      'log4j',
      'python',
      'app',
    ]) {
      expect(seen).toContain(f);
    }
  });
});
