import { describe, expect, it } from 'vitest';
import { absentFields, parseQuery } from '../../src/query/index.js';

describe('absentFields', () => {
  const none = (q: string, rows: Record<string, unknown>[], limit = 100, offset = 0) =>
    absentFields(parseQuery(q), rows, limit, offset);

  it('names a group or aggregate field empty in every row', () => {
    expect(none('* | count by day', [{ day: null, count: 12 }])).toEqual(['day']);
    expect(
      none('* | stats avg(latency), count by service', [{ service: 'a', 'avg(latency)': null, count: 3 }]),
    ).toEqual(['latency']);
    expect(
      none('* | count by status', [
        { status: 200, count: 3 },
        { status: null, count: 1 },
      ]),
    ).toEqual([]);
  });

  it('says nothing when the rows may not be all of them', () => {
    const rows = [{ day: null, count: 12 }];
    expect(none('* | count by day', rows, 1)).toEqual([]);
    expect(none('* | count by day', rows, 100, 100)).toEqual([]);
    expect(none('* | count by day | limit 5', rows)).toEqual([]);
    expect(none('* | count by day', [])).toEqual([]);
  });
});
