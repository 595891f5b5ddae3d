import { describe, expect, it } from 'vitest';
import { parsePython } from '../../../src/parser/formats/python.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parsePython(line, ctx);

describe('python', () => {
  it('parses the basicConfig default layout (no time)', () => {
    expect(parse('WARNING:root:disk almost full: 91%')).toEqual({
      format: 'python',
      ts: Number.NaN,
      level: 'warn',
      message: 'disk almost full: 91%',
      service: null,
      host: null,
      fields: { logger: 'root', level_raw: 'WARNING' },
    });
    expect(parse('CRITICAL:app.payments:gateway down')?.level).toBe('fatal');
  });

  it('parses the `asctime - name - level - message` layout', () => {
    const p = parse('2026-11-27 12:00:00,123 - myapp.db - ERROR - connection lost - retrying');
    expect(p?.ts).toBe(us('2026-11-27T12:00:00.123Z'));
    expect(p?.fields).toEqual({ logger: 'myapp.db' });
    expect(p?.message).toBe('connection lost - retrying');
  });

  it("parses Flask's `[asctime] LEVEL in module: message`", () => {
    const p = parse('[2026-11-27 12:00:00,123] ERROR in app: Exception on /checkout [POST]');
    expect(p).toMatchObject({
      level: 'error',
      message: 'Exception on /checkout [POST]',
      fields: { logger: 'app' },
    });
  });

  it('rejects look-alikes', () => {
    expect(parse('NOTE:root:x')).toBeNull();
    expect(parse('INFO: starting')).toBeNull();
    expect(parse('2026-11-27 12:00:00 INFO x')).toBeNull();
    expect(parse('[2026-11-27T12:00:00Z] INFO [api] x')).toBeNull();
  });
});
