/**
 * Habits people bring from Splunk and Kibana (issue #29 §3): what is unambiguous is read as they
 * mean it, and what would silently answer nothing or the wrong thing gets a warning.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { demoStore } from '../helpers/demo-store.js';

describe('query habits from other log tools', () => {
  let data: string;
  const json = async (q: string, ...flags: string[]) => {
    const r = await runCli(['query', q, '-d', data, '-f', 'json', ...flags]);
    expect(r.code, r.stderr).toBe(0);
    return { rows: JSON.parse(r.stdout) as Record<string, unknown>[], stderr: r.stderr };
  };

  beforeAll(async () => {
    data = await demoStore();
  }, 180_000);

  it('reads spaces around operators, = and != as the tight forms', async () => {
    const count = async (q: string) => (await json(`${q} | count`)).rows[0].count as number;
    const errors = await count('status>=500');
    expect(errors).toBeGreaterThan(0);
    expect(await count('status >= 500')).toBe(errors);
    expect(await count('status>= 500')).toBe(errors);
    const fiveHundred = await count('status:500');
    expect(fiveHundred).toBeGreaterThan(0);
    expect(await count('status=500')).toBe(fiveHundred);
    expect(await count('status = 500')).toBe(fiveHundred);
    expect(await count('status: 500')).toBe(fiveHundred);
    expect(await count('status != 500')).toBe(await count('-status:500'));
  }, 60_000);

  it('warns of a field no event searched has, and still prints the result', async () => {
    const r = await json('* | count by day');
    expect(r.rows).toHaveLength(1);
    expect(r.stderr).toBe('logpipe: no field `day` in the events searched\n');
    // A field some events have draws no warning.
    expect((await json('* | count by status')).stderr).toBe('');
  }, 60_000);

  it('searches a reversed --from/--to between the two, with a note', async () => {
    const all = (await json('* | count')).rows[0].count;
    const r = await json('* | count', '--from', '1m', '--to', '1h');
    expect(r.rows[0].count).toBe(all);
    expect(r.stderr).toMatch(/^logpipe: --from is after --to; searching between them, from \S+Z to \S+Z\n$/);
  }, 60_000);

  it('reads a value with parentheses glued to it as one value', async () => {
    const r = await runCli(['query', 'service:sshd(pam_unix) | count', '-d', data, '-f', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([{ count: 0 }]);
    // As a search word it finds the line that holds it, and only that one.
    const auth = join(tempDir(), 'data');
    const lines = [
      'Dec  7 12:00:01 db1 sshd[812]: pam_unix(sshd:auth): authentication failure; user=root',
      'Dec  7 12:00:02 db1 sshd[812]: Failed password for root from 10.0.0.7 port 4242 ssh2',
      'Dec  7 12:00:03 db1 sudo: pam_unix session opened (sshd) for user bob',
    ];
    const stored = await runCli(['store', '-d', auth, '-q', '--no-server'], {
      input: `${lines.join('\n')}\n`,
    });
    expect(stored.code, stored.stderr).toBe(0);
    const found = await runCli(['query', 'pam_unix(sshd:auth)', '-d', auth, '-f', 'raw']);
    expect(found.stderr).toBe('');
    expect(found.stdout).toBe(`${lines[0]}\n`);
  }, 60_000);

  it('prints engine errors without the engine class, and no doubled position', async () => {
    const sql = await runCli(['query', '--sql', 'SELECT nocol FROM logs', '-d', data]);
    expect(sql.code).toBe(2);
    expect(sql.stderr).not.toMatch(/Binder Error|caused by/);
    expect(sql.stderr).toMatch(
      /^logpipe: query error: Referenced column "nocol" not found in FROM clause.* at position 8\n/,
    );
    const paren = await runCli(['query', '(level:error', '-d', data]);
    expect(paren.stderr.match(/at position/g)).toHaveLength(1);
    const none = await runCli(['query', '*', '-d', `${data}-missing`]);
    expect(none.stderr).not.toMatch(/IO Error|caused by/);
    expect(none.stderr).toMatch(/^logpipe: no store at .*: nothing has been stored there yet\n/);
  }, 60_000);
});
