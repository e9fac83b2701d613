import { describe, expect, it } from 'vitest';
import { backoffCeiling, equalJitterDelay, fullJitterDelay, Retries } from '../../shared/backoff.js';
import { MIN_RATE_LIMIT_WAIT_MS, rateLimitWaitMs } from '../../shared/cliniko/rate-limit.js';

const options = (random: number) => ({ baseMs: 200, capMs: 5_000, random: () => random });

describe('fullJitterDelay', () => {
  it('doubles the ceiling per retry until the cap', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 10].map((retry) => backoffCeiling(retry, 200, 5_000));

    expect(ceilings).toEqual([200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
  });

  it('can be zero when the random draw is zero', () => {
    expect(fullJitterDelay(3, options(0))).toBe(0);
  });

  it('stays below the capped ceiling for the largest random draw', () => {
    expect(fullJitterDelay(2, options(0.999_999_9))).toBeLessThan(800);
    expect(fullJitterDelay(20, options(0.999_999_9))).toBeLessThan(5_000);
    expect(fullJitterDelay(20, options(0.999_999_9))).toBeGreaterThan(4_990);
  });

  it('treats an out-of-range random value as safe bounds', () => {
    expect(fullJitterDelay(1, options(7))).toBeLessThan(400);
    expect(fullJitterDelay(1, options(Number.NaN))).toBe(0);
  });
});

describe('equalJitterDelay', () => {
  it('waits at least half the ceiling', () => {
    expect(equalJitterDelay(1, options(0))).toBe(200);
    expect(equalJitterDelay(1, options(0.5))).toBe(300);
  });
});

describe('rateLimitWaitMs', () => {
  const now = Date.UTC(2026, 10, 29, 10, 0, 0);

  it('waits until the X-RateLimit-Reset epoch second by the local clock', () => {
    const reset = String(now / 1000 + 12);

    expect(rateLimitWaitMs(reset, now, 0, { random: () => 0 })).toBe(12_000);
  });

  it('never waits less than the minimum when the reset is already past', () => {
    expect(rateLimitWaitMs(String(now / 1000 - 30), now, 0, { random: () => 0 })).toBe(
      MIN_RATE_LIMIT_WAIT_MS,
    );
  });

  it.each([undefined, 'soon', ''])('backs off exponentially when the header is %s', (header) => {
    const first = rateLimitWaitMs(header, now, 0, { random: () => 0 });
    const third = rateLimitWaitMs(header, now, 2, { random: () => 0 });

    expect([first, third]).toEqual([500, 2_000]);
  });
});

describe('Retries', () => {
  it('takes the adapter defaults, lets options override them, and never allows fewer than one attempt', () => {
    const defaults = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(new Retries({}, defaults).maxAttempts).toBe(3);
    expect(new Retries({ maxAttempts: 5 }, defaults).maxAttempts).toBe(5);
    expect(new Retries({ maxAttempts: 0 }, defaults).maxAttempts).toBe(1);
  });

  it('waits a full-jitter delay under the capped ceiling, or the time it is given', async () => {
    const slept: number[] = [];
    const retries = new Retries(
      { random: () => 0.5, sleep: async (ms) => void slept.push(ms) },
      { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 300 },
    );

    await retries.wait(0);
    await retries.wait(3);
    await retries.wait(1, 2500);

    expect(slept).toEqual([50, 150, 2500]);
  });
});
