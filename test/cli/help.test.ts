import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const COMMANDS = [
  'generate',
  'collect',
  'parse',
  'store',
  'query',
  'tail',
  'run',
  'up',
  'status',
  'verify',
  'ui',
];

describe('logpipe --help', () => {
  it('lists every sub-command with a description', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\s+\\S`, 'm'));
  });

  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command with a suggestion, no stack trace', async () => {
    const r = await runCli(['quer']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('query');
    expect(r.stderr).not.toContain('    at ');
  });
});
