/**
 * A message is kept as its place in its line only where cutting the line's code points there
 * gives the message back: what the query views do with DuckDB's `substr`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messagePlace, placeAt, placeTail, utf8CodePoints } from '../../../src/storage/rows/message-span.js';

/** The line's code points between the place's ends, as stored (UTF-8: a lone surrogate is U+FFFD). */
function cut(raw: string, place: number): string {
  const points = Array.from(Buffer.from(raw, 'utf8').toString('utf8'));
  return points.slice(placeAt(place), points.length - placeTail(place)).join('');
}

/** The place of `message` in `raw` as [at, tail], or null. */
function span(raw: string, message: string): [number, number] | null {
  const p = messagePlace(raw, message);
  return p < 0 ? null : [placeAt(p), placeTail(p)];
}

describe('message span', () => {
  it('finds a message after a header, the whole line, and one in the middle', () => {
    expect(span('2016-09-28 04:30:31, Warning CBS Failed to load', 'Failed to load')).toEqual([33, 0]);
    expect(span('{"a":1}', '{"a":1}')).toEqual([0, 0]);
    expect(span('[x] msg here [y]', 'msg here')).toEqual([4, 4]);
    expect(span('header: trimmed', 'trimmed ')).toBeNull();
    expect(messagePlace('[x] msg here [y]', 'msg here')).toBe(4 + 4 * 2 ** 32);
  });

  it('counts code points, not UTF-16 units or bytes', () => {
    expect(span('é😀 ü: naïve 😀 .', 'naïve 😀')).toEqual([6, 2]);
    expect(cut('é😀 ü: naïve 😀 .', messagePlace('é😀 ü: naïve 😀 .', 'naïve 😀'))).toBe('naïve 😀');
  });

  it('refuses a place that splits a surrogate pair', () => {
    // The message starts with the low half of the line's pair: stored as UTF-8, that half alone
    // is U+FFFD in the message but part of 😀 in the line.
    expect(span('a😀b', '\ude00b')).toBeNull();
    expect(span('a😀b', 'a\ud83d')).toBeNull();
  });

  it('gives back every message it places, for any text', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(text, text, text, (pre, message, post) => {
        const raw = `${pre}${message}${post}`;
        const place = messagePlace(raw, message);
        if (place >= 0) expect(cut(raw, place)).toBe(Buffer.from(message, 'utf8').toString('utf8'));
        const bytes = Buffer.from(raw, 'utf8');
        expect(utf8CodePoints(bytes, 0, bytes.length)).toBe(Array.from(bytes.toString('utf8')).length);
      }),
      { numRuns: 500 },
    );
  });
});
