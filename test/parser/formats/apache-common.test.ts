import { describe, expect, it } from 'vitest';
import { apacheCommon } from '../../../src/parser/formats/apache-common.js';
import { UTC } from '../../../src/parser/timestamps/index.js';

describe('apache_common', () => {
  it('parses a common line', () => {
    const p = apacheCommon.parse(
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      {
        zone: UTC,
        refMs: 0,
      },
    );
    expect(p?.format).toBe('apache_common');
    expect(p?.fields).toMatchObject({ user: 'frank', status: 200, bytes: 2326 });
  });
});
