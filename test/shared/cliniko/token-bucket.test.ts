import { describe, expect, it } from 'vitest';
import { TokenBucket, TokenBucketRegistry } from '../../../shared/cliniko/token-bucket.js';

function clock(start = 1_000_000) {
  const state = { now: start, slept: [] as number[] };
  return {
    state,
    now: () => state.now,
    sleep: async (ms: number) => {
      state.slept.push(ms);
      state.now += ms;
    },
  };
}

describe('TokenBucket', () => {
  it('defaults to a burst of 10 at 200 requests per minute', () => {
    const bucket = new TokenBucket({ now: () => 0 });

    expect([bucket.ratePerMinute, bucket.capacity]).toEqual([200, 10]);
  });

  it('caps the burst at the rate for slow rates', () => {
    expect(new TokenBucket({ ratePerMinute: 3, now: () => 0 }).capacity).toBe(3);
  });

  it('lets a full bucket burst without waiting, then spaces requests at the rate', () => {
    const c = clock();
    const bucket = new TokenBucket({ ratePerMinute: 120, capacity: 2, now: c.now });

    const waits = [bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()];

    expect(waits).toEqual([0, 0, 500, 1_000]);
  });

  it('refills with elapsed time but never beyond capacity', () => {
    const c = clock();
    const bucket = new TokenBucket({ ratePerMinute: 60, capacity: 3, now: c.now });
    bucket.reserve();
    bucket.reserve();
    bucket.reserve();

    c.state.now += 1_500;
    const afterOneAndAHalfSeconds = bucket.available();
    c.state.now += 60_000;
    const afterAMinute = bucket.available();

    expect(afterOneAndAHalfSeconds).toBeCloseTo(1.5);
    expect(afterAMinute).toBe(3);
  });

  it('makes take() sleep for the reserved wait', async () => {
    const c = clock();
    const bucket = new TokenBucket({ ratePerMinute: 60, capacity: 1, now: c.now, sleep: c.sleep });

    await bucket.take();
    await bucket.take();
    await bucket.take();

    expect(c.state.slept).toEqual([1_000, 1_000]);
  });

  it('holds every caller until a pause ends, then restarts from an empty bucket', () => {
    const c = clock();
    const bucket = new TokenBucket({ ratePerMinute: 60, capacity: 5, now: c.now });

    bucket.pauseUntil(c.state.now + 10_000);
    const wait = bucket.reserve();

    expect(wait).toBe(11_000);
  });

  it('ignores a pause that ends before tokens are already credited', () => {
    const c = clock();
    const bucket = new TokenBucket({ ratePerMinute: 60, capacity: 5, now: c.now });

    bucket.pauseUntil(c.state.now - 1);

    expect(bucket.reserve()).toBe(0);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TokenBucket({ ratePerMinute: 0 })).toThrow(RangeError);
  });
});

describe('TokenBucketRegistry', () => {
  it('gives the same bucket to the same account and separate buckets to others', () => {
    const registry = new TokenBucketRegistry();

    const a1 = registry.bucketFor('clinic-a');
    const a2 = registry.bucketFor('clinic-a', { ratePerMinute: 10 });
    const b = registry.bucketFor('clinic-b');

    expect(a1).toBe(a2);
    expect(a1).not.toBe(b);
    expect(a2.ratePerMinute).toBe(200);
  });
});
