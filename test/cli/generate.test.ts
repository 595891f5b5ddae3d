import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

const APACHE =
  /^\S+ - \S+ \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "[A-Z]+ \S+ HTTP\/1\.1" \d{3} (?:\d+|-) "[^"]*" "[^"]+"$/;
const FIXED = ['--seed', '7', '--start-time', '2026-01-01T00:00:00Z'];

describe('logpipe generate', () => {
  it('writes --count apache_combined lines to stdout', async () => {
    const r = await runCli(['generate', '--count', '25', ...FIXED]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(25);
    for (const l of lines) expect(l).toMatch(APACHE);
    expect(lines[0]).toContain('[01/Jan/2026:00:00:00 +0000]');
    expect(r.stderr).toBe('');
  });

  it('is byte-identical with --seed and --start-time', async () => {
    const [a, b] = await Promise.all([
      runCli(['generate', '--format', 'json', '--count', '200', '--rate', '50', ...FIXED]),
      runCli(['generate', '--format', 'json', '--count', '200', '--rate', '50', ...FIXED]),
    ]);
    expect(a.stdout).toBe(b.stdout);
    const last = JSON.parse(a.stdout.trimEnd().split('\n').pop()!);
    expect(last.ts).toBe('2026-01-01T00:00:03.980000Z');
  });

  it('appends to --output and prints a summary with --summary', async () => {
    const file = join(tempDir(), 'out.log');
    const r = await runCli([
      'generate',
      '--format',
      'json',
      '-n',
      '100',
      '-o',
      file,
      '--summary',
      '--rate',
      'max',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const text = readFileSync(file, 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(100);
    expect(r.stderr).toMatch(/^100 lines, [\d.]+ kB in [\d.]+ s \([\d,]+ lines\/s\)\n$/);
    expect(r.stderr).toContain(`${(Buffer.byteLength(text) / 1000).toFixed(1)} kB`);
  });

  it('paces a live run by --rate for --duration', async () => {
    const r = await runCli(['generate', '--rate', '20', '--duration', '1s', '--summary']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(20);
    expect(r.stderr).toMatch(/^20 lines, .* in 1\.\d\d s/);
  });

  it.concurrent.each([
    [['--rate', 'fast'], /--rate expects a positive number of lines per second or "max", got "fast"/],
    [['--rate', '0'], /--rate expects a positive number/],
    [['--format', 'xml'], /unknown format "xml": expected one of .*apache_combined.*json/],
    [['--count', '-5'], /--count expects a whole number >= 0, got "-5"/],
    [['--duration', '10 parsecs'], /--duration: invalid duration/],
    [['--seed', 'abc'], /--seed expects a whole number, got "abc"/],
    [['--start-time', 'yesterday-ish'], /--start-time: invalid time "yesterday-ish"/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--rate'], /argument missing/],
    [['--files', '2'], /--files needs --output FILE/],
    [['-o', 'x.log', '--http', 'http://127.0.0.1:9/'], /choose one of --output, --syslog and --http/],
    [
      ['--syslog', 'ftp://h:1'],
      /invalid syslog address "ftp:\/\/h:1": the scheme must be udp:\/\/ or tcp:\/\//,
    ],
    [['--rotate-lines', '5'], /rotation \(--rotate-\*\) needs --output FILE/],
    [
      ['-o', 'x.log', '--rotate-lines', '5', '--rotate-mode', 'move'],
      /--rotate-mode expects rename or copytruncate/,
    ],
    [
      ['-o', 'x.log', '--rotate-size', '10q'],
      /--rotate-size expects a size such as 512k, 10m or 1g, got "10q"/,
    ],
    [['--levels', 'info=70,loud=3'], /--levels expects name=weight pairs .*got "loud=3"/],
    [['--statuses', '2xx=lots'], /--statuses expects name=weight pairs/],
    [['--levels', 'debug=0,info=0,warn=0,error=0'], /level weights must not all be 0/],
    [['--burst-every', '1m'], /bursts need all of --burst-every, --burst-length and --burst-factor/],
    [
      ['--burst-every', '1s', '--burst-length', '2s', '--burst-factor', '3'],
      /--burst-length must be shorter/,
    ],
    [['--blank-lines', '120'], /--blank-lines expects a percentage from 0 to 100, got "120"/],
  ])('rejects %j with one clear line and exit code 2', async (args, message) => {
    const r = await runCli(['generate', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('names the output file it cannot open', async () => {
    // A regular file where a folder should be: nothing can be created under it.
    const blocker = join(tempDir(), 'blocker');
    writeFileSync(blocker, '');
    const r = await runCli(['generate', '-n', '1', '-o', join(blocker, 'such', 'dir.log')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^logpipe: cannot open output file .*dir\.log: ENOTDIR\n$/);
  });

  it('creates the folder of its output file', async () => {
    const out = join(tempDir(), 'new', 'folder', 'app.log');
    const r = await runCli(['generate', '-n', '3', '-o', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('stops cleanly on SIGINT, with what it wrote and a summary', async () => {
    const child = spawn(process.execPath, [CLI, 'generate', '--rate', '200', '--summary'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    // Interrupt once it is running (the first lines are out), however slow the start was.
    await new Promise((r) => child.stdout.once('data', r));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    const n = out.split('\n').length - 1;
    expect(n).toBeGreaterThan(0);
    expect(out.endsWith('\n')).toBe(true);
    expect(err).toMatch(new RegExp(`^${n} lines, `));
  });

  it('exits quietly when the reader goes away', async () => {
    const child = spawn(process.execPath, [CLI, 'generate', '--rate', 'max'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(err).toBe('');
  });

  it('rotates, spreads over files and writes a manifest', async () => {
    const dir = tempDir();
    const out = join(dir, 'app.log');
    const manifest = join(dir, 'm.json');
    const r = await runCli([
      'generate',
      '-f',
      'python',
      '-n',
      '1000',
      '--rate',
      'max',
      '-o',
      out,
      '--files',
      '2',
      '--rotate-lines',
      '200',
      '--rotate-keep',
      '9',
      '--manifest',
      manifest,
      '--levels',
      'debug=0,info=1,warn=0,error=1',
    ]);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    expect(m.total.lines).toBe(1000);
    expect(Object.keys(m.files)).toEqual([join(dir, 'app-1.log'), join(dir, 'app-2.log')]);
    expect(readdirSync(dir).filter((f) => f.startsWith('app-1.log.')).length).toBe(
      m.files[join(dir, 'app-1.log')].rotations,
    );
    expect(m.total.multiline).toBeGreaterThan(100);
  });

  it('writes the manifest when interrupted', async () => {
    const dir = tempDir();
    const manifest = join(dir, 'm.json');
    const child = spawn(process.execPath, [CLI, 'generate', '--rate', '500', '--manifest', manifest], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    await new Promise((r) => child.stdout.once('data', r));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    expect(await new Promise((r) => child.on('close', r))).toBe(0);
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    expect(m.complete).toBe(false);
    expect(m.files.stdout.lines).toBe(out.split('\n').length - 1);
    expect(m.files.stdout.bytes).toBe(Buffer.byteLength(out));
  });
});
