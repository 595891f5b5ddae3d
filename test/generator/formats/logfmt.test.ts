import { describe, expect, it } from 'vitest';
import { formatMicros } from '../../../src/core/time.js';
import { logfmt } from '../../../src/generator/formats/logfmt.js';
import { renderMany } from '../helpers.js';

const PAIR = /([a-z_]+)=("[^"\\]*"|[^\s"=]+)(?: |$)/gy;

/** A strict logfmt reader: the whole line must be pairs. */
function parse(line: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  PAIR.lastIndex = 0;
  let end = 0;
  for (let m = PAIR.exec(line); m; m = PAIR.exec(line)) {
    out[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2];
    end = PAIR.lastIndex;
  }
  return end === line.length ? out : null;
}

describe('logfmt', () => {
  const records = renderMany(logfmt, 5000, { stepUs: 1_337 });

  it('writes key=value pairs only, with the documented keys', () => {
    for (const { tsUs, text } of records) {
      const o = parse(text);
      expect(o, text).not.toBeNull();
      expect(o!.time).toBe(formatMicros(tsUs).slice(0, 23) + 'Z');
      expect(o!.level).toMatch(/^(debug|info|warn|error)$/);
      expect(o!.host.startsWith(o!.service)).toBe(true);
      expect(o!.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(Number(o!.latency_ms)).toBeGreaterThan(0);
      expect(o!.user_id).toMatch(/^u_\d+$/);
      if (o!.status) expect(o!.msg).toBe(`${o!.method} ${o!.path} ${o!.status} in ${o!.latency_ms}ms`);
    }
  });
});
