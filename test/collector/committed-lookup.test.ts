/**
 * A file the store holds but the checkpoint never recorded (the process died between the
 * store's commit and the checkpoint write, and the file was renamed meanwhile) keeps its source
 * id and is read on from after the store's last line, so nothing is stored twice.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CommittedPosition, collectOnce } from '../../src/collector/index.js';
import { tempDir } from '../helpers/cli.js';

const lines = Array.from({ length: 10 }, (_, i) => `line number ${i} of the file`);

describe('FileCollector with the store as a second memory', () => {
  it('adopts the source and goes on after the last committed line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.log'), `${lines.join('\n')}\n`);
    const seen = await collectOnce({ paths: [join(dir, 'app.log*')], checkpointPath: join(dir, 'cp1.json') });
    const fp = seen[0].generation;
    const committed: CommittedPosition = {
      source: seen[0].source,
      generation: fp,
      offset: seen[3].offset,
      raw: seen[3].line,
    };
    renameSync(join(dir, 'app.log'), join(dir, 'app.log.1'));
    const asked: string[] = [];
    const events = await collectOnce({
      paths: [join(dir, 'app.log*')],
      checkpointPath: join(dir, 'cp2.json'), // no checkpoint: as after a crash before it was written
      lookupCommitted: async (f) => {
        asked.push(f);
        return f === fp ? [committed] : [];
      },
    });
    expect(asked).toEqual([fp]);
    expect(events.map((e) => e.line)).toEqual(lines.slice(4));
    expect(new Set(events.map((e) => e.source))).toEqual(new Set([committed.source]));
    expect(events[0].offset).toBe(seen[4].offset);
  });

  it('does not adopt a different file that only shares the first line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'other.log'), `${lines[0]}\nsomething else entirely\nand more\nand more\n`);
    const events = await collectOnce({
      paths: [join(dir, '*.log')],
      checkpointPath: join(dir, 'cp.json'),
      lookupCommitted: async (fp) => [
        { source: '/elsewhere/app.log', generation: fp, offset: 29, raw: lines[1] },
      ],
    });
    expect(events.map((e) => e.line)).toEqual([lines[0], 'something else entirely', 'and more', 'and more']);
    expect(events[0].source).toBe(join(dir, 'other.log'));
  });
});
