import { describe, expect, it } from 'vitest';
import {
  compileMultiline,
  flushJoiner,
  joinLine,
  type MultilineOptions,
  newJoiner,
} from '../../src/collector/multiline.js';
import type { RawEvent } from '../../src/core/events.js';

function join(opts: MultilineOptions, lines: string[], maxBytes = 1 << 20): RawEvent[] {
  const { rule, maxLines } = compileMultiline(opts);
  const j = newJoiner(rule, maxLines, maxBytes);
  const out: RawEvent[] = [];
  let offset = 0;
  for (const line of lines) {
    joinLine(j, { source: 's', generation: 'g', offset, line, received_at: 0 }, out, 0);
    offset += Buffer.byteLength(line) + 1;
  }
  flushJoiner(j, out);
  return out;
}

describe('multiline', () => {
  it('joins a Java stack trace with causes and "... n more" into its log line', () => {
    const lines = [
      '2026-11-27 12:00:00,000 ERROR [main] c.e.App - request failed',
      'java.lang.IllegalStateException: boom',
      '\tat com.example.App.handle(App.java:42)',
      '\tat com.example.App.main(App.java:10)',
      'Caused by: java.io.IOException: connection reset',
      '\tat com.example.Net.read(Net.java:7)',
      '\t... 2 more',
      '2026-11-27 12:00:01,000 INFO  [main] c.e.App - next',
    ];
    const out = join({ mode: 'java' }, lines);
    expect(out).toHaveLength(2);
    expect(out[0].line).toBe(lines.slice(0, 7).join('\n'));
    expect(out[0].offset).toBe(0);
    expect(out[1]).toMatchObject({ line: lines[7], offset: lines.slice(0, 7).join('\n').length + 1 });
  });

  it('joins a Python traceback through its exception line, chained ones too', () => {
    const lines = [
      '2026-11-27 12:00:00,000 ERROR app: failed',
      'Traceback (most recent call last):',
      '  File "app.py", line 3, in <module>',
      '    main()',
      "KeyError: 'x'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "app.py", line 5, in <module>',
      'ValueError: bad',
      '2026-11-27 12:00:01,000 INFO app: next',
      'plain line',
    ];
    const out = join({ mode: 'python' }, lines);
    expect(out.map((e) => e.line)).toEqual([lines.slice(0, 11).join('\n'), lines[11], lines[12]]);
  });

  it('joins on a start pattern', () => {
    const out = join({ mode: 'pattern', start: '^\\[' }, ['[1] a', ' b', 'c', '[2] d', '[3] e', 'f']);
    expect(out.map((e) => e.line)).toEqual(['[1] a\n b\nc', '[2] d', '[3] e\nf']);
  });

  it('cuts a joined event at maxLines and flags it', () => {
    const out = join({ mode: 'pattern', start: '^S', maxLines: 3 }, ['S', '1', '2', '3', '4', 'S2']);
    expect(out.map((e) => [e.line, e.truncated ?? false])).toEqual([
      ['S\n1\n2', true],
      ['S2', false],
    ]);
  });

  it('cuts a joined event at the byte limit', () => {
    const out = join({ mode: 'pattern', start: '^S' }, ['S', 'aaaa', 'bbbb', 'S2'], 8);
    expect(out.map((e) => [e.line, e.truncated ?? false])).toEqual([
      ['S\naaaa', true],
      ['S2', false],
    ]);
  });

  it('rejects bad options naming the key', () => {
    expect(() => compileMultiline({ mode: 'pattern' })).toThrow(/multiline\.start/);
    expect(() => compileMultiline({ mode: 'pattern', start: '(' })).toThrow(/multiline\.start/);
    expect(() => compileMultiline({ mode: 'nope' as 'java' })).toThrow(/multiline\.mode/);
    expect(() => compileMultiline({ mode: 'java', timeoutMs: -1 })).toThrow(/multiline\.timeoutMs/);
  });
});
