import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { FORMAT_IDS, getFormat, listFormats } from '../../../src/generator/formats/index.js';
import { renderMany } from '../helpers.js';

describe('format registry', () => {
  it('lists unique snake_case ids with descriptions', () => {
    expect(new Set(FORMAT_IDS).size).toBe(FORMAT_IDS.length);
    for (const f of listFormats()) {
      expect(f.id).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(f.description.length).toBeGreaterThan(10);
      expect(getFormat(f.id)).toBe(f);
    }
  });

  it('rejects an unknown id with a UsageError listing the known ones', () => {
    expect(() => getFormat('xml')).toThrow(UsageError);
    expect(() => getFormat('xml')).toThrow(`expected one of ${FORMAT_IDS.join(', ')}`);
  });

  it.each(listFormats().map((f) => [f.id, f] as const))('%s keeps its ascii promise', (_id, f) => {
    const text = renderMany(f, 3000)
      .map((r) => r.text)
      .join('\n');
    if (f.ascii) expect(/^[\x00-\x7f]*$/.test(text)).toBe(true);
  });
});
