import { describe, expect, it } from 'vitest';
import { baseUrlForKey } from '../../../shared/cliniko/shard.js';

describe('baseUrlForKey', () => {
  it.each([
    ['MS0xLTEyMzQ1Njc4OTAxMjM0NTY3-au2', 'au2'],
    ['MS0xLTEyMzQ1Njc4OTAxMjM0NTY3-uk1', 'uk1'],
    ['MS0xLTEyMzQ1Njc4OTAxMjM0NTY3-CA1', 'ca1'],
    ['part-one-part-two-eu1', 'eu1'],
    ['MS0xLTEyMzQ1Njc4OTAxMjM0NTY3-au12', 'au12'],
    ['MS0xLTEyMzQ1Njc4OTAxMjM0NTY3', 'au1'],
    ['MS0xLTEyMzQ1Njc4OTAxMjM0NTY3-xyz', 'au1'],
    ['MS0xLTEyMzQ1Njc4OTAxMjM0NTY3-au123', 'au1'],
    ['MS0xLTEyMzQ1Njc4OTAxMjM0NTY3-', 'au1'],
    ['au2-MS0xLTEyMzQ1Njc4OTAxMjM0NTY3', 'au1'],
  ])('derives the shard of %s as %s', (key, shard) => {
    const result = baseUrlForKey(key);

    expect(result).toEqual({ shard, baseUrl: `https://api.${shard}.cliniko.com/v1` });
  });
});
