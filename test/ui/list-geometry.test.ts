import { describe, expect, it } from 'vitest';
import {
  detailTop,
  type ListGeometry,
  listHeight,
  revealTop,
  rowAt,
  rowsInView,
  rowTop,
} from '../../ui/src/lib/list-geometry.js';

const closed: ListGeometry = { rowHeight: 24, open: -1, openHeight: 0 };
const open: ListGeometry = { rowHeight: 24, open: 10, openHeight: 300 };

describe('the virtual list geometry', () => {
  it('places rows one height apart when none is open', () => {
    expect(rowTop(closed, 0)).toBe(0);
    expect(rowTop(closed, 99_999)).toBe(99_999 * 24);
    expect(listHeight(closed, 100_000)).toBe(2_400_000);
    expect(rowAt(closed, 0)).toBe(0);
    expect(rowAt(closed, 23)).toBe(0);
    expect(rowAt(closed, 24)).toBe(1);
    expect(rowAt(closed, -50)).toBe(0);
  });

  it('puts the open row’s detail right under it and the rows after it below the detail', () => {
    expect(rowTop(open, 10)).toBe(240);
    expect(detailTop(open)).toBe(264);
    expect(rowTop(open, 11)).toBe(264 + 300);
    expect(rowTop(open, 5)).toBe(120);
    expect(listHeight(open, 100_000)).toBe(2_400_000 + 300);
    // An open row past the end (the result changed) adds nothing.
    expect(listHeight(open, 5)).toBe(120);
  });

  it('finds the row at a y: inside the detail it is the open row, after it the rows shift', () => {
    expect(rowAt(open, 263)).toBe(10);
    expect(rowAt(open, 264)).toBe(10);
    expect(rowAt(open, 563)).toBe(10);
    expect(rowAt(open, 564)).toBe(11);
    expect(rowAt(open, 564 + 24 * 100)).toBe(111);
    for (const i of [0, 9, 10, 11, 500]) expect(rowAt(open, rowTop(open, i))).toBe(i);
  });

  it('keeps the open row in the page while its detail fills the view', () => {
    // Scrolled to the middle of a detail taller than the view: the open row stays rendered.
    const tall: ListGeometry = { rowHeight: 24, open: 50, openHeight: 5000 };
    const { first, last } = rowsInView(tall, 1000, detailTop(tall) + 2000, 600, 10);
    expect(first).toBeLessThanOrEqual(50);
    expect(last).toBeGreaterThan(50);
    expect(last - first).toBe(21);
    expect(rowsInView(closed, 100_000, 24 * 1000, 600, 10)).toEqual({ first: 990, last: 1036 });
    expect(rowsInView(closed, 3, 0, 600, 10)).toEqual({ first: 0, last: 3 });
    expect(rowsInView(closed, 0, 0, 600, 10)).toEqual({ first: 0, last: 0 });
  });

  it('scrolls the least to bring a row and its detail into view, the row first', () => {
    // In view: unchanged.
    expect(revealTop(240, 24, 100, 600)).toBe(100);
    // Above the view: its top at the view's top.
    expect(revealTop(240, 24, 500, 600)).toBe(240);
    // Below: its bottom at the view's bottom.
    expect(revealTop(2400, 24, 0, 600)).toBe(2400 + 24 - 600);
    // With a detail taller than the view: the row at the top.
    expect(revealTop(2400, 24 + 900, 0, 600)).toBe(2400);
  });
});
