/**
 * Tailed files join stack traces by default where their format may carry them (`auto` while the
 * format is detected), and not where every event is one line or the config says `off`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { memoryLogger } from '../../src/core/log.js';
import { defaultMultiline } from '../../src/parser/index.js';
import { startPipeline } from '../../src/pipeline/run.js';
import { tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

describe('the multi-line rule a tailed source gets by default', () => {
  it('follows the format', () => {
    expect(defaultMultiline(undefined)).toBe('auto');
    expect(defaultMultiline('auto')).toBe('auto');
    expect(defaultMultiline('log4j')).toBe('java');
    expect(defaultMultiline('python')).toBe('python');
    for (const one of [
      'apache_combined',
      'nginx_access',
      'json',
      'logfmt',
      'syslog_rfc3164',
      'logcat',
      'my_pattern',
    ]) {
      expect(defaultMultiline(one), one).toBeNull();
    }
  });

  it('joins a Java trace in a detected-format file, not in a logfmt file nor where it is off', async () => {
    const dir = tempDir();
    const trace = [
      '2026-12-03 10:00:00,000 ERROR [main] com.example.App - request failed',
      'java.lang.IllegalStateException: boom',
      '\tat com.example.App.handle(App.java:42)',
      '\tat com.example.App.main(App.java:10)',
      '2026-12-03 10:00:01,000 INFO  [main] com.example.App - next',
    ];
    writeFileSync(join(dir, 'auto.log'), `${trace.join('\n')}\n`); // 2 events
    writeFileSync(
      join(dir, 'kv.log'),
      'ts=2026-12-03T10:00:00Z level=info msg=a\n  indented\nts=2026-12-03T10:00:02Z level=info msg=b\n',
    ); // 3
    writeFileSync(join(dir, 'off.log'), `${trace.slice(0, 4).join('\n')}\nplain\nplain again\n`); // 6
    const config = loadConfig({
      base: {
        data_dir: join(dir, 'data'),
        sources: [
          { type: 'file', paths: [join(dir, 'auto.log')], poll_interval: '50ms' },
          { type: 'file', paths: [join(dir, 'kv.log')], format: 'logfmt', poll_interval: '50ms' },
          { type: 'file', paths: [join(dir, 'off.log')], multiline: { mode: 'off' }, poll_interval: '50ms' },
        ],
        storage: { flush_interval: '50ms' },
        parse: { workers: 0 },
        server: { port: 0 },
      },
    });
    const abort = new AbortController();
    const run = await startPipeline({ config, signal: abort.signal, log: memoryLogger() });
    try {
      // The last event of each joined file waits for the multi-line timeout (1 s), then comes.
      await waitFor(
        'every event stored',
        async () => (run.stats().writer.stored >= 11 ? true : undefined),
        30_000,
      );
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      abort.abort();
      await run.done;
    }
    // Any other joining gives another total: 2+3+6 is the only way to 11.
    expect(run.stats().writer.stored).toBe(11);
  }, 60_000);
});
