import { describe, expect, it } from 'vitest';
import { median, percentile } from '../../bench/statistics.js';

describe('percentile', () => {
  it('interpolates between the closest ranks', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(25);
  });

  it('returns the largest value at the 100th percentile whatever the input order', () => {
    expect(percentile([3, 9, 1], 100)).toBe(9);
  });

  it('is NaN for no values', () => {
    expect(percentile([], 95)).toBeNaN();
  });

  it('takes the middle value as the median of an odd count', () => {
    expect(median([5, 1, 3])).toBe(3);
  });
});
