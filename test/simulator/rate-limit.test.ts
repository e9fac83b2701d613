import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api } from './sim-client.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 2, patients: 5, appointments: 5, accounts: 2, rateLimitPerMinute: 3 });
});
afterAll(() => sim.close());

describe('rate limit', () => {
  it('answers 429 with X-RateLimit-Reset once a key spends its per-minute budget, sparing other keys', async () => {
    // Seven requests against a budget of three: even if the minute rolls over once, one window sees four.
    const replies = [];
    for (let i = 0; i < 7; i++) replies.push(await api(sim, 'GET', '/patients?per_page=1'));
    const other = await api(sim, 'GET', '/patients?per_page=1', undefined, sim.apiKeys[1]);
    const limited = replies.find((r) => r.status === 429);
    const reset = Number(limited?.headers.get('x-ratelimit-reset'));
    expect(limited?.body.message).toContain('Too many requests');
    expect(reset % 60).toBe(0);
    expect(reset).toBeGreaterThan(Date.now() / 1000 - 1);
    expect(other.status).toBe(200);
  });
});
