import { describe, expect, it } from 'vitest';
import { measureIdle } from '../../bench/idle-cost.js';

describe('the idle benchmark', () => {
  it('polls cleanly with its simulated clock more than five minutes ahead of the real one', async () => {
    // Poll 6 is six simulated minutes on: a client checking Date headers against the real clock
    // refused it, and every poll after it, at the first request.
    const result = await measureIdle(7);

    expect(result.perPoll).toHaveLength(7);
    // An idle poll makes one request per pass: at least one per stream, on every poll.
    expect(Math.min(...result.perPoll.map((poll) => poll.requests))).toBeGreaterThan(result.streams);
  });
});
