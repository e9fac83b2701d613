import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, authHeaders, control } from './sim-client.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, patients: 30, appointments: 40, accounts: 2 });
});
afterEach(async () => {
  await control(sim, 'DELETE', 'faults');
  await control(sim, 'POST', 'clock', { realtime: true });
});
afterAll(() => sim.close());

describe('clock control', () => {
  it('freezes the clock at a set instant, stamping writes and the Date header', async () => {
    const set = await control(sim, 'POST', 'clock', { set: '2030-05-01T10:00:00Z' });
    const created = await api(sim, 'POST', '/patients', { first_name: 'Clock', last_name: 'Test' });
    expect(set.body).toEqual({ now: '2030-05-01T10:00:00Z', frozen: true });
    expect(created.body.updated_at).toBe('2030-05-01T10:00:00Z');
    expect(created.headers.get('date')).toBe('Wed, 01 May 2030 10:00:00 GMT');
  });

  it('advances a frozen clock by whole seconds', async () => {
    await control(sim, 'POST', 'clock', { set: '2030-05-01T10:00:00Z' });
    const advanced = await control(sim, 'POST', 'clock', { advance: 90 });
    const created = await api(sim, 'POST', '/patients', { first_name: 'Clock', last_name: 'Test' });
    expect(advanced.body.now).toBe('2030-05-01T10:01:30Z');
    expect(created.body.created_at).toBe('2030-05-01T10:01:30Z');
  });

  it('returns to real time', async () => {
    await control(sim, 'POST', 'clock', { set: '2030-05-01T10:00:00Z' });
    const back = await control(sim, 'POST', 'clock', { realtime: true });
    expect(back.body.frozen).toBe(false);
    expect(Math.abs(Date.parse(String(back.body.now)) - Date.now())).toBeLessThan(5_000);
  });

  it('rejects nonsense with 400', async () => {
    expect((await control(sim, 'POST', 'clock', { set: 'yesterday' })).status).toBe(400);
    expect((await control(sim, 'POST', 'clock', { advance: 'ten' })).status).toBe(400);
  });
});

describe('churn', () => {
  it('applies churn steps through the write path, visible in the changelog', async () => {
    const before = sim.changes().length;
    const reply = await control(sim, 'POST', 'churn', { steps: 60 });
    const changes = sim.changes(before);
    expect(Number(reply.body.applied)).toBeGreaterThan(20);
    expect(changes.length).toBeGreaterThanOrEqual(Number(reply.body.applied));
    expect(new Set(changes.map((c) => c.action)).has('created')).toBe(true);
    expect(new Set(changes.map((c) => c.account)).size).toBe(2);
  });

  it('runs in the background at the configured rate until turned off', async () => {
    const before = sim.changes().length;
    await control(sim, 'POST', 'churn', { perMinute: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await control(sim, 'POST', 'churn', { perMinute: 0 });
    const afterStop = sim.changes().length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(afterStop).toBeGreaterThan(before);
    expect(sim.changes().length).toBe(afterStop);
  });

  it('rejects an invalid churn request with 400', async () => {
    expect((await control(sim, 'POST', 'churn', { perMinute: -1 })).status).toBe(400);
    expect((await control(sim, 'POST', 'churn', { speed: 3 })).status).toBe(400);
  });
});

describe('faults', () => {
  it('answers the next N API requests with 429 and a reset time, then recovers', async () => {
    await control(sim, 'POST', 'faults', { rateLimitBurst: 2 });
    const first = await api(sim, 'GET', '/patients');
    const second = await api(sim, 'GET', '/patients');
    const third = await api(sim, 'GET', '/patients');
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(
      Math.floor(Date.now() / 1000),
    );
  });

  it('answers every API request with a 5xx at rate 1 but leaves control routes alone', async () => {
    await control(sim, 'POST', 'faults', { error5xxRate: 1 });
    const reply = await api(sim, 'GET', '/patients');
    const health = await control(sim, 'GET', 'health');
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(health.status).toBe(200);
  });

  it('sends a 200 with truncated JSON when malformedRate is 1', async () => {
    await control(sim, 'POST', 'faults', { malformedRate: 1 });
    const response = await fetch(`${sim.baseUrl}/patients`, { headers: authHeaders(sim.apiKeys[0] ?? '') });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('destroys the connection mid-response when resetRate is 1', async () => {
    await control(sim, 'POST', 'faults', { resetRate: 1 });
    await expect(
      fetch(`${sim.baseUrl}/patients`, { headers: authHeaders(sim.apiKeys[0] ?? '') }).then((r) => r.text()),
    ).rejects.toThrow();
  });

  it('delays API replies by latencyMs', async () => {
    await control(sim, 'POST', 'faults', { latencyMs: 150 });
    const started = performance.now();
    await api(sim, 'GET', '/patients?per_page=1');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('makes writes visible only after lateCommitMs, keeping their earlier updated_at', async () => {
    await control(sim, 'POST', 'faults', { lateCommitMs: 300 });
    const created = await api(sim, 'POST', '/patients', { first_name: 'Late', last_name: 'Commit' });
    const id = String(created.body.id);
    const early = await api(sim, 'GET', `/patients/${id}`);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const late = await api(sim, 'GET', `/patients/${id}`);
    expect(early.status).toBe(404);
    expect(late.status).toBe(200);
    expect(late.body.updated_at).toBe(created.body.updated_at);
  });

  it('rejects an unknown fault or an out-of-range rate with 400', async () => {
    expect((await control(sim, 'POST', 'faults', { error5xxRate: 2 })).status).toBe(400);
    expect((await control(sim, 'POST', 'faults', { chaos: true })).status).toBe(400);
  });
});
