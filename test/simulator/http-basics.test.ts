import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, authHeaders, USER_AGENT } from './sim-client.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, patients: 20, appointments: 20 });
});
afterAll(() => sim.close());

describe('authentication and headers', () => {
  it('rejects a request without credentials with 401 and the Rails message', async () => {
    const response = await fetch(`${sim.baseUrl}/patients`, { headers: { 'user-agent': USER_AGENT } });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('HTTP Basic: Access denied.');
  });

  it('rejects an unknown key with 401', async () => {
    const reply = await api(sim, 'GET', '/patients', undefined, 'not-a-key');
    expect(reply.status).toBe(401);
  });

  it('rejects a right key sent with a non-empty password with 401', async () => {
    const response = await fetch(`${sim.baseUrl}/patients`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.apiKeys[0]}:secret`).toString('base64')}`,
        'user-agent': USER_AGENT,
      },
    });
    expect(response.status).toBe(401);
  });

  it('blocks a client whose User-Agent does not name an app and an email with 403', async () => {
    for (const userAgent of ['node', 'My App', 'My App (not-an-email)']) {
      const response = await fetch(`${sim.baseUrl}/patients`, {
        headers: { ...authHeaders(sim.apiKeys[0] ?? ''), 'user-agent': userAgent },
      });
      expect(response.status, userAgent).toBe(403);
    }
  });

  it('answers with JSON and a Date header on API, error and control replies', async () => {
    const ok = await api(sim, 'GET', '/patients');
    const missing = await fetch(`${sim.baseUrl}/patients`);
    const control = await fetch(`${sim.origin}/__sim/health`);
    expect(ok.headers.get('content-type')).toContain('application/json');
    for (const headers of [ok.headers, missing.headers, control.headers]) {
      expect(Date.parse(headers.get('date') ?? '')).not.toBeNaN();
    }
  });

  it('answers an unknown route or method with an HTML 404 page', async () => {
    const unknown = await api(sim, 'GET', '/no_such_resource');
    const wrongMethod = await api(sim, 'POST', '/patients/123/cancel');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('text/html');
    expect(wrongMethod.status).toBe(404);
  });

  it('rejects a write whose body is not JSON with 400', async () => {
    const response = await fetch(`${sim.baseUrl}/patients`, {
      method: 'POST',
      headers: { ...authHeaders(sim.apiKeys[0] ?? ''), 'content-type': 'application/json' },
      body: '{"first_name":',
    });
    expect(response.status).toBe(400);
  });
});
