import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRawEvent, parseStreamHeader } from '../../src/core/ndjson.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

describe('logpipe collect', () => {
  it('--once emits a raw-events stream of every line and continues from its checkpoint', async () => {
    const dir = tempDir();
    const f = join(dir, 'app.log');
    writeFileSync(f, 'alpha\nbeta\n');
    const args = [
      'collect',
      '--once',
      '--path',
      join(dir, '*.log'),
      '--data-dir',
      join(dir, 'data'),
      '--service',
      'web',
    ];
    const r = await runCli(args);
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(parseStreamHeader(out[0])).toBe('raw-events');
    const events = out.slice(1).map(decodeRawEvent);
    expect(events.map((e) => [e.line, e.offset, e.source, e.service])).toEqual([
      ['alpha', 0, f, 'web'],
      ['beta', 6, f, 'web'],
    ]);
    appendFileSync(f, 'gamma\n');
    const again = await runCli(args);
    expect(
      again.stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map(decodeRawEvent)
        .map((e) => e.line),
    ).toEqual(['gamma']);
  });

  it('without --path fails with one readable line', async () => {
    const r = await runCli(['collect', '--once']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--path/);
    expect(r.stderr).not.toContain('    at ');
  });

  it('--to with something that is not a URL fails with one line naming the flag', async () => {
    const dir = tempDir();
    for (const [args, cmd] of [
      [['collect', '--path', join(dir, '*.log'), '--to', 'parser:7281'], 'collect'],
      [['parse', '--listen', '0', '--to', 'store'], 'parse'],
    ] as const) {
      const r = await runCli([...args, '--data-dir', dir]);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr.trim().split('\n'), cmd).toHaveLength(1);
      expect(r.stderr).toMatch(/--to expects/);
    }
  });

  it('follows until SIGTERM, then writes its checkpoint', async () => {
    const dir = tempDir();
    const f = join(dir, 'app.log');
    writeFileSync(f, 'one\n');
    const ck = join(dir, 'ck.json');
    const child = spawn(process.execPath, [
      CLI,
      'collect',
      '--path',
      f,
      '--checkpoint',
      ck,
      '--poll-interval',
      '20',
      '-q',
    ]);
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('"one"') && !out.includes('"two"')) appendFileSync(f, 'two\n');
      if (out.includes('"two"')) child.kill('SIGTERM');
    });
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    const again = await runCli(['collect', '--once', '--path', f, '--checkpoint', ck, '-q']);
    expect(again.stdout.trimEnd().split('\n')).toHaveLength(1); // the header alone
  });
});

describe('logpipe collect after kill -9', () => {
  it('loses nothing: a restart re-reads whatever the killed run had not checkpointed', async () => {
    const dir = tempDir();
    const f = join(dir, 'app.log');
    let text = '';
    for (let i = 0; i < 20_000; i++) text += `line ${i}\n`;
    writeFileSync(f, text);
    const ck = join(dir, 'ck.json');
    const child = spawn(process.execPath, [CLI, 'collect', '--path', f, '--checkpoint', ck, '-q']);
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.length > 100_000) child.kill('SIGKILL');
    });
    await new Promise((r) => child.on('close', r));
    const first = out.split('\n').slice(1, -1).map(decodeRawEvent); // the last line may be torn
    const again = await runCli(['collect', '--once', '--path', f, '--checkpoint', ck, '-q']);
    const second = again.stdout.trimEnd().split('\n').slice(1).map(decodeRawEvent);
    const seen = new Set([...first, ...second].map((e) => e.offset));
    expect(seen.size).toBe(20_000);
    expect(second.at(-1)?.line).toBe('line 19999');
  });
});

describe('logpipe collect inputs', () => {
  it('--stdin emits each stdin line as a raw event with source "stdin"', async () => {
    const r = await runCli(['collect', '--stdin', '--service', 'api'], { input: 'one\ntwo\n' });
    expect(r.code).toBe(0);
    const events = r.stdout.trimEnd().split('\n').slice(1).map(decodeRawEvent);
    expect(events.map((e) => [e.source, e.line, e.offset, e.service])).toEqual([
      ['stdin', 'one', 0, 'api'],
      ['stdin', 'two', 4, 'api'],
    ]);
  });

  it('--multiline java joins stack traces in files', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'a.log'),
      'ERROR boom\njava.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\nINFO next\n',
    );
    const r = await runCli([
      'collect',
      '--once',
      '-q',
      '--path',
      join(dir, 'a.log'),
      '--checkpoint',
      join(dir, 'ck.json'),
      '--multiline',
      'java',
    ]);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map(decodeRawEvent)
      .map((e) => e.line);
    expect(lines).toEqual([
      'ERROR boom\njava.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)',
      'INFO next',
    ]);
  });

  it('rejects a bad --multiline mode with one readable line', async () => {
    const r = await runCli(['collect', '--path', 'x', '--multiline', 'cobol']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--multiline expects auto, java, python, pattern or off, got "cobol"/);
  });
});
