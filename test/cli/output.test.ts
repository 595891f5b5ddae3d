/**
 * Issue #29 §4, output people can read, checked by driving the built CLI as a user does: in a
 * pipe, and in a real terminal (a pty made by util-linux `script`, its size set with `stty`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readServerInfo } from '../../src/server/discovery.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAS_SCRIPT = has('script');
const HAS_ZSH = has('zsh');

/** A word for sh, in single quotes. */
const sh = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Escapes of colour, and the carriage returns a terminal puts before its newlines. */
const plain = (s: string) => s.replaceAll(/\x1b\[[0-9;]*m/g, '').replaceAll('\r', '');

const children: ChildProcess[] = [];

/**
 * Runs `logpipe ...args` in a pseudo-terminal of `cols` columns (0 means the 0×0 a pty reports
 * when nobody sets its size), and returns what the terminal showed (stdout and stderr).
 */
function inTerminal(
  args: string[],
  opts: { cols: number; env?: NodeJS.ProcessEnv; untilMs?: number; until?: (out: string) => boolean },
): Promise<string> {
  const command = `stty cols ${opts.cols} rows ${opts.cols === 0 ? 0 : 40}; exec ${sh(process.execPath)} ${sh(CLI)} ${args.map(sh).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    const stopAt = opts.untilMs ? setTimeout(() => child.kill('SIGTERM'), opts.untilMs) : null;
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (opts.until?.(plain(out))) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', () => {
      if (stopAt) clearTimeout(stopAt);
      resolve(out);
    });
  });
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('the CLI on a store of requests and app events', () => {
  let dir: string;
  let data: string;

  beforeAll(async () => {
    dir = tempDir('logpipe-output-');
    data = join(dir, 'data');
    const gen = async (format: string, count: number, seed: number, file: string) => {
      const args = ['generate', '--format', format, '--count', String(count), '--seed', String(seed)];
      const r = await runCli([...args, '--rate', '10', '--start-time', '2026-01-05T10:00:00Z', '-o', file]);
      expect(r.code, r.stderr).toBe(0);
    };
    await gen('apache_combined', 300, 1, join(dir, 'access.log'));
    await gen('app', 200, 2, join(dir, 'app.log'));
    const r = await runCli([
      'store',
      '-d',
      data,
      '--import',
      join(dir, 'access.log'),
      join(dir, 'app.log'),
      '--no-server',
      '-q',
    ]);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a header row and the columns of requests, times in UTC marked Z, in a pipe', async () => {
    const r = await runCli(['query', 'status:*', '-d', data, '-n', '5']);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ts +status method client_ip +path$/);
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row).toMatch(/^2026-01-05 10:\d\d:\d\d\.\d{3}Z +\d{3} [A-Z]+ +[\d.:a-f]+ +\//);
    }
    // Other events: time, level, message.
    const app = await runCli(['query', 'format:app', '-d', data, '-n', '3']);
    expect(app.stdout.split('\n')[0]).toMatch(/^ts +level +(service +)?message$/);
  });

  it('says how many the page leaves out, on stderr', async () => {
    const r = await runCli(['query', 'status:*', '-d', data]);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(101);
    expect(r.stderr).toBe('logpipe: showing 100 of 300 events; see more with --limit or --offset 100\n');
    const all = await runCli(['query', 'status:*', '-d', data, '-n', '300']);
    expect(all.stderr).toBe('');
    // Data formats are read by programs: no note, no counting.
    const json = await runCli(['query', 'status:*', '-d', data, '-f', 'ndjson']);
    expect(json.stderr).toBe('');
  });

  it('walks a large result in pages that neither overlap nor skip (--offset)', async () => {
    const whole = await runCli(['query', '*', '-d', data, '-n', '500', '-f', 'ndjson']);
    const expected = whole.stdout.trim().split('\n');
    expect(expected).toHaveLength(500);
    const paged: string[] = [];
    for (let offset = 0; offset < 500; offset += 120) {
      const r = await runCli([
        'query',
        '*',
        '-d',
        data,
        '-n',
        '120',
        '--offset',
        String(offset),
        '-f',
        'ndjson',
      ]);
      expect(r.code, r.stderr).toBe(0);
      paged.push(...r.stdout.trim().split('\n').filter(Boolean));
    }
    expect(paged).toEqual(expected);
    // The table says which rows it shows.
    const page = await runCli(['query', '*', '-d', data, '--offset', '100']);
    expect(page.stderr).toBe(
      'logpipe: showing 101–200 of 500 events; see more with --limit or --offset 200\n',
    );
    // A query's own limit still holds: rows 5 to 9 of `| limit 10`.
    const limited = await runCli(['query', '* | limit 10', '-d', data, '--offset', '5', '-f', 'ndjson']);
    expect(limited.stdout.trim().split('\n')).toEqual(expected.slice(5, 10));
    const bad = await runCli(['query', '*', '-d', data, '--offset', '-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toMatch(/--offset expects a whole number >= 0/);
  }, 180_000);

  it('rounds numbers for reading and keeps every digit in data formats', async () => {
    const q = 'status:* | stats avg(bytes) as avg by method';
    const table = await runCli(['query', q, '-d', data]);
    const rows = table.stdout.trimEnd().split('\n').slice(2);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/^[A-Z]+ +\d+\.\d\d$/);
    const json = JSON.parse((await runCli(['query', q, '-d', data, '-f', 'json'])).stdout) as {
      avg: number;
    }[];
    expect(json.some((r) => !Number.isInteger(r.avg * 100))).toBe(true);
  });

  it('shows times in the zone --tz names, with its offset, and refuses one it does not know', async () => {
    const r = await runCli(['query', '*', '-d', data, '-n', '1', '--tz', 'Asia/Kolkata']);
    expect(r.stdout.split('\n')[1]).toMatch(/^2026-01-05 15:\d\d:\d\d\.\d{3}\+05:30 /);
    const bad = await runCli(['query', '*', '-d', data, '--tz', 'Mars/Olympus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'logpipe: --tz: unknown time zone "Mars/Olympus"; give an IANA name such as Europe/Paris or America/New_York, UTC, or local\n',
    );
    // The config's display.timezone, when no --tz says otherwise.
    const config = join(dir, 'display.yaml');
    writeFileSync(config, `data_dir: ${data}\ndisplay:\n  timezone: America/New_York\n`);
    const fromConfig = await runCli(['query', '*', '-c', config, '-n', '1']);
    expect(fromConfig.stdout.split('\n')[1]).toMatch(/^2026-01-05 05:\d\d:\d\d\.\d{3}-05:00 /);
  });

  it('lists every field with its type, events, share and top values (logpipe fields)', async () => {
    const r = await runCli(['fields', 'status:*', '-d', data]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('fields of the 300 matching events');
    expect(lines[1]).toMatch(/^field +type +events +share +top values$/);
    expect(lines.find((l) => l.startsWith('status '))).toMatch(/^status +number +300 +100% +\d{3} \(\d+\)/);
    expect(lines.find((l) => l.startsWith('method '))).toMatch(/^method +string +300 +100% +GET \(\d+\)/);
    expect(lines.find((l) => l.startsWith('ts '))).toMatch(
      /^ts +time +300 +100% +2026-01-05 10:00:\d\dZ \.\. /,
    );
    const json = JSON.parse(
      (await runCli(['fields', '-d', data, '-f', 'json', '--sample', '50'])).stdout,
    ) as {
      sampled: number;
      matched: number;
      fields: { name: string; count: number; top: unknown[] }[];
    };
    expect(json.sampled).toBe(50);
    expect(json.matched).toBe(500);
    expect(json.fields.find((f) => f.name === 'level')!.count).toBe(50);
    const sampled = await runCli(['fields', '-d', data, '--sample', '50']);
    expect(sampled.stdout.split('\n')[0]).toBe(
      'fields of the newest 50 of 500 matching events (a sample; --sample to change)',
    );
  }, 120_000);

  it.skipIf(!HAS_SCRIPT)('fits a real terminal: its width, the local zone (TZ), colours', async () => {
    const out = await inTerminal(['query', 'status:*', '-d', data, '-n', '20'], {
      cols: 60,
      env: { TZ: 'America/New_York' },
    });
    expect(out).toContain('\x1b[1m'); // the header, bold
    const lines = plain(out).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ts +status method +path$/); // the client gives way at 60 columns
    for (const line of lines.slice(1, 21)) {
      expect(line).toMatch(/^2026-01-05 05:\d\d:\d\d\.\d{3}-05:00 /);
      expect(Array.from(line).length).toBeLessThanOrEqual(60);
    }
    expect(lines.at(-1)).toBe('logpipe: showing 20 of 300 events; see more with --limit or --offset 20');
  });

  it.skipIf(!HAS_SCRIPT)('lays out for 80 columns when the terminal reports 0×0', async () => {
    const out = plain(await inTerminal(['query', '*', '-d', data, '-n', '10', '--tz', 'UTC'], { cols: 0 }));
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ts +/);
    for (const line of lines.slice(1, 11)) {
      expect(line).toMatch(/^2026-01-05 10:\d\d:\d\d\.\d{3}Z /);
      expect(Array.from(line).length).toBeLessThanOrEqual(80);
    }
  });

  it.skipIf(!HAS_SCRIPT)('draws timechart bars on a terminal, plain numbers in a pipe', async () => {
    const q = '* | timechart 10s count';
    const tty = plain(await inTerminal(['query', q, '-d', data, '--tz', 'UTC'], { cols: 80 }));
    const rows = tty.trimEnd().split('\n').slice(2);
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) expect(row).toMatch(/^2026-01-05 10:\d\d:\d0Z +\d+ +[█▏▎▍▌▋▊▉]+$/);
    const piped = await runCli(['query', q, '-d', data]);
    for (const row of piped.stdout.trimEnd().split('\n').slice(2))
      expect(row).toMatch(/^2026-01-05 10:\d\d:\d0Z +\d+$/);
  });
});

describe('logpipe tail in a terminal', () => {
  let run: ChildProcess | null = null;
  let dir: string;

  afterAll(() => {
    run?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!HAS_SCRIPT)(
    'keeps the columns of its first batch for every later one',
    async () => {
      dir = tempDir('logpipe-tail-');
      const data = join(dir, 'data');
      run = spawn(process.execPath, [CLI, 'run', '--data-dir', data, '--set', 'server.port=0', '--quiet'], {
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      for (let i = 0; i < 200 && !readServerInfo(data); i++) await new Promise((r) => setTimeout(r, 100));
      expect(readServerInfo(data)).not.toBeNull();
      // The demo's web service logs requests at 50 a second: several polls' worth of batches.
      const out = plain(
        await inTerminal(['tail', 'service:web', '-d', data, '--tz', 'Asia/Kolkata'], {
          cols: 100,
          untilMs: 20_000,
          until: (o) => o.split('\n').length > 120,
        }),
      );
      const lines = out.split('\n').filter((l) => l.trim() !== '');
      expect(lines.length).toBeGreaterThan(50);
      const header = lines[0];
      expect(header).toMatch(/^ts +service status method client_ip +path$/);
      expect(lines.filter((l) => l.startsWith('ts '))).toHaveLength(1);
      const pathAt = header.indexOf('path');
      for (const line of lines.slice(1, -1)) {
        expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+05:30 web /);
        expect(line[pathAt], line).toBe('/');
        expect(line[pathAt - 1]).toBe(' ');
        expect(Array.from(line).length).toBeLessThanOrEqual(100);
      }
    },
    60_000,
  );
});

describe('logpipe completion', () => {
  it('prints a bash script that bash can source', async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code, r.stderr).toBe(0);
    const script = join(tempDir('logpipe-completion-'), 'logpipe.bash');
    writeFileSync(script, r.stdout);
    expect(execFileSync('bash', ['-c', `source ${sh(script)}; complete -p logpipe`]).toString()).toBe(
      'complete -o default -F _logpipe logpipe\n',
    );
    // What it completes, as bash would ask: commands, options, format names, zones.
    const complete = (...words: string[]) =>
      execFileSync('bash', [
        '-c',
        `source ${sh(script)}; COMP_WORDS=(${words.map(sh).join(' ')}); COMP_CWORD=${words.length - 1}; _logpipe; echo "\${COMPREPLY[*]}"`,
      ])
        .toString()
        .trim();
    expect(complete('logpipe', 'fi')).toBe('fields');
    expect(complete('logpipe', 'query', '--of')).toBe('--offset');
    expect(complete('logpipe', 'query', '-f', '')).toBe('table json ndjson csv raw');
    expect(complete('logpipe', '--verbose', 'tail', '--format', 'nd')).toBe('ndjson');
    expect(complete('logpipe', 'generate', '--format', 'apache_c')).toBe('apache_common apache_combined');
    expect(complete('logpipe', 'query', '--tz', 'Europe/Par')).toBe('Europe/Paris');
    expect(complete('logpipe', 'completion', '')).toContain('bash zsh');
  });

  it.skipIf(!HAS_ZSH)('prints a zsh script that zsh reads and registers (zsh -n, compdef)', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.code, r.stderr).toBe(0);
    const d = tempDir('logpipe-completion-');
    const script = join(d, '_logpipe');
    writeFileSync(script, r.stdout);
    execFileSync('zsh', ['-n', script]);
    const registered = execFileSync('zsh', [
      '-f',
      '-c',
      `autoload -Uz compinit && compinit -u -d ${sh(join(d, 'zcompdump'))}; source ${sh(script)}; print -r -- \${_comps[logpipe]}`,
    ]);
    expect(registered.toString().trim()).toBe('_logpipe');
  });

  it('refuses a shell it does not know', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('logpipe: completion: unknown shell "fish"; expected bash or zsh\n');
  });
});
