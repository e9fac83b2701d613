import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli, startCli, waitFor } from './cli-process.js';
import { allIds, type SimulatorAccess, TEST_USER_AGENT } from './simulator-api.js';

interface Detail {
  readonly eventId: string;
  readonly resource: string;
  readonly recordId: string;
}

async function readDetails(path: string): Promise<Detail[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { detail: Detail }).detail);
}

describe('cliniko-bridge run interrupted by SIGINT in the middle of a backfill', () => {
  let sim: RunningSimulator;
  let access: SimulatorAccess;
  let dir = '';

  beforeAll(async () => {
    // The simulator's own limit is raised so the test's ground-truth listing does not eat the bridge's budget.
    sim = await startSimulator({ seed: 11, patients: 3000, appointments: 300, rateLimitPerMinute: 100_000 });
    access = { baseUrl: sim.baseUrl, origin: sim.origin, apiKey: sim.apiKeys[0] ?? '' };
    dir = await mkdtemp(join(tmpdir(), 'run-interrupt-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stops at a page boundary with exit 0, and a restart loses and duplicates nothing', {
    timeout: 90_000,
  }, async () => {
    const events = join(dir, 'events.ndjson');
    const args = [
      'run',
      '--once',
      '--streams',
      'patients,individual_appointments',
      '--start-from',
      'beginning',
      '--sink',
      `ndjson:${events}`,
      '--base-url',
      access.baseUrl,
      '--api-key',
      access.apiKey,
      '--user-agent',
      TEST_USER_AGENT,
      '--state-dir',
      join(dir, 'state'),
    ];
    const first = startCli(args);
    await waitFor(async () => (await readDetails(events)).length >= 300, 45_000, 'the first events');

    first.child.kill('SIGINT');
    const firstCode = await first.exited;
    const afterFirst = await readDetails(events);
    const second = await runCli(args);

    expect(firstCode).toBe(0);
    expect(first.stderr()).toContain('Stopped:');
    expect(first.stderr()).toMatch(/progress patients +\d+\/\d{4} records/);
    const truth = [
      ...(await allIds(access, 'patients', ['archived_at:*'])).map((id) => `patients/${id}`),
      ...(await allIds(access, 'individual_appointments', ['archived_at:*', 'cancelled_at:*'])).map(
        (id) => `individual_appointments/${id}`,
      ),
    ];
    expect(afterFirst.length).toBeLessThan(truth.length);
    expect(second.code).toBe(0);
    const all = await readDetails(events);
    expect(new Set(all.map((d) => d.eventId)).size).toBe(all.length);
    expect(all.map((d) => `${d.resource}/${d.recordId}`).sort()).toEqual(truth.sort());
  });
});
