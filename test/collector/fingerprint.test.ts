import { describe, expect, it } from 'vitest';
import { FINGERPRINT_BYTES, fingerprintOf } from '../../src/collector/fingerprint.js';

describe('fingerprintOf', () => {
  it('hashes the first line, so it is stable as the file grows', () => {
    const a = fingerprintOf(Buffer.from('first line\n'));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf(Buffer.from('first line\nsecond\nthird'))).toBe(a);
    expect(fingerprintOf(Buffer.from('other line\n'))).not.toBe(a);
  });

  it('has none until a whole first line (or the cap) is there', () => {
    expect(fingerprintOf(Buffer.alloc(0))).toBeNull();
    expect(fingerprintOf(Buffer.from('no newline yet'))).toBeNull();
    const long = Buffer.alloc(FINGERPRINT_BYTES + 10, 0x61);
    expect(fingerprintOf(long)).toBe(fingerprintOf(long.subarray(0, FINGERPRINT_BYTES)));
  });
});
