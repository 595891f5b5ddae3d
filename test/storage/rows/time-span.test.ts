/**
 * A line's time text is cut out only where `ts` renders it back byte for byte in one of the
 * layouts, and the layouts keep the search guard sound: each text starts and ends with a digit
 * and has no two non-digits next to each other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  renderTime,
  TIME_LAYOUTS,
  TimeFinder,
  timePlace,
  timePlaceAt,
  timePlaceLayout,
  timePlaceZone,
} from '../../../src/storage/rows/time-span.js';

const US = (y: number, mo: number, d: number, h: number, mi: number, s: number, us: number) =>
  Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + us;
const T = US(2026, 6, 9, 0, 4, 40, 464_550);

const layout = (format: string) => TIME_LAYOUTS.find((l) => l.format === format)!.id;

describe('time layouts', () => {
  it('render as strftime writes them', () => {
    expect(renderTime(layout('%Y-%m-%d %H:%M:%S,%g'), T)).toBe('2026-06-09 00:04:40,464');
    expect(renderTime(layout('%Y-%m-%dT%H:%M:%S.%f'), T)).toBe('2026-06-09T00:04:40.464550');
    expect(renderTime(layout('%-d %H:%M:%S'), T)).toBe('9 00:04:40');
    expect(renderTime(layout('%d %H:%M:%S %Y'), T)).toBe('09 00:04:40 2026');
    expect(renderTime(layout('%y/%m/%d %H:%M:%S'), T)).toBe('26/06/09 00:04:40');
    expect(renderTime(layout('%Y%m%d-%-H:%-M:%-S:%g'), T)).toBe('20260609-0:4:40:464');
    expect(renderTime(layout('%y%m%d %H%M%S'), T)).toBe('260609 000440');
    expect(renderTime(layout('%m%d %H:%M:%S.%f'), T)).toBe('0609 00:04:40.464550');
    expect(renderTime(layout('epoch_s'), T)).toBe('1780963480');
    expect(renderTime(layout('epoch_us'), T)).toBe('1780963480464550');
    // In a zone: the wall clock there.
    expect(renderTime(layout('%Y-%m-%d %H:%M:%S'), T, -90)).toBe('2026-06-08 22:34:40');
    // Out of four-digit years: none.
    expect(renderTime(layout('%Y-%m-%d %H:%M:%S'), US(2026, 1, 1, 0, 0, 0, 0) * 10)).toBeNull();
  });

  it('start and end with a digit and never put two non-digits together, at any time', () => {
    const ids = new Set(TIME_LAYOUTS.map((l) => l.id));
    expect(ids.size).toBe(TIME_LAYOUTS.length);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: US(2200, 12, 31, 23, 59, 59, 999_999) }), (ts) => {
        for (const l of TIME_LAYOUTS) {
          const text = renderTime(l.id, ts)!;
          expect(text, l.format).toMatch(/^[0-9](?:[0-9]|[^0-9](?=[0-9]))*$/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('packs a place, its layout and its zone into one safe integer', () => {
    for (const [at, id, zone] of [
      [0, 1, 0],
      [12345, 21, 0],
      [7, 18, -720],
      [2 ** 31, 20, 840],
      [3, 5, -1080],
    ]) {
      const p = timePlace(at, id, zone);
      expect(Number.isSafeInteger(p)).toBe(true);
      expect([timePlaceAt(p), timePlaceLayout(p), timePlaceZone(p)]).toEqual([at, id, zone]);
    }
    // UTC adds nothing above the layout.
    expect(timePlace(5, 1, 0)).toBe(5 + 2 ** 32);
  });
});

describe('time finder', () => {
  const find = (line: string, ts = T, f = new TimeFinder()) =>
    f.find(line, ts, '/a.log') ? { ...f.cut, text: line.slice(f.cut.at, f.cut.at + f.cut.length) } : null;

  it('finds the longest layout a header holds', () => {
    expect(find('2026-06-09 00:04:40,464 ERROR x')?.text).toBe('2026-06-09 00:04:40,464');
    expect(find('[2026-06-09 00:04:40,464] INFO x')?.text).toBe('2026-06-09 00:04:40,464');
    expect(find('Jun  9 00:04:40 host sshd[1]: x')?.text).toBe('9 00:04:40');
    expect(find('[Tue Jun 09 00:04:40 2026] [error] x')?.text).toBe('09 00:04:40 2026');
    expect(find('- 1780963480 2026.06.09 R1 x')?.text).toBe('1780963480');
    expect(find('2026-06-09T00:04:40.464550Z 23 [System] x')?.text).toBe('2026-06-09T00:04:40.464550');
  });

  it('takes no text with a digit beside it, nor a time that is not the row’s', () => {
    // Nanoseconds: the µs text is followed by a digit; the seconds alone are taken.
    expect(find('2026-06-09T00:04:40.464550123Z x')?.text).toBe('2026-06-09T00:04:40');
    expect(find('12026-06-09 00:04:401 x')).toBeNull();
    expect(find('2026-06-09 00:04:41,464 x')).toBeNull();
    expect(find('no time here at all')).toBeNull();
  });

  it('follows a source whose lines change between two layouts, and back', () => {
    const f = new TimeFinder();
    const t = (s: number, us = 0) => US(2026, 6, 9, 0, 4, s, us);
    const lines: [string, number, string][] = [
      ['[Tue Jun 09 00:04:36 2026] [error] a', t(36), '09 00:04:36 2026'],
      ['[Tue Jun 09 00:04:38.420525 2026] [ssl:warn] b', t(38, 420_525), '09 00:04:38.420525 2026'],
      ['[Tue Jun 09 00:04:39 2026] [notice] c', t(39), '09 00:04:39 2026'],
      ['[Tue Jun 09 00:04:41.000007 2026] [core:info] d', t(41, 7), '09 00:04:41.000007 2026'],
      ['2026-06-09 00:04:42,000 e', t(42), '2026-06-09 00:04:42,000'],
      ['[Tue Jun 09 00:04:43 2026] [error] f', t(43), '09 00:04:43 2026'],
      ['no time in this one', t(44), ''],
      ['[Tue Jun 09 00:04:45.5 2026] not a layout', t(45, 500_000), ''],
    ];
    for (const [line, ts, text] of lines) expect(find(line, ts, f)?.text ?? '').toBe(text);
  });
});
