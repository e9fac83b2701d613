/** The console sink's time column through the binary: the date for events of another day, else the time. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from './cli-process.js';
import { type SimulatorAccess, simRequest, TEST_USER_AGENT } from './simulator-api.js';

describe('cliniko-bridge run --sink console time column', () => {
  let sim: RunningSimulator;
  let access: SimulatorAccess;
  let dir = '';

  beforeAll(async () => {
    sim = await startSimulator({ seed: 12, patients: 3, appointments: 3 });
    access = { baseUrl: sim.baseUrl, origin: sim.origin, apiKey: sim.apiKeys[0] ?? '' };
    dir = await mkdtemp(join(tmpdir(), 'console-time-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the date for records changed on another day and only the time for a change made today', async () => {
    const args = [
      'run',
      '--once',
      '--streams',
      'businesses',
      '--start-from',
      'beginning',
      '--base-url',
      access.baseUrl,
      '--api-key',
      access.apiKey,
      '--user-agent',
      TEST_USER_AGENT,
      '--state-dir',
      join(dir, 'state'),
    ];
    const env = { TZ: 'UTC' };

    // The simulator's seeded history ends before 2026 began: never today.
    const backfill = await runCli(args, env);
    const business = (await simRequest(access, 'POST', '/businesses', {
      business_name: 'Synthetic Clinic',
    })) as {
      id: string;
    };
    const change = await runCli(args, env);

    expect(backfill.code).toBe(0);
    const snapshots = backfill.stdout.split('\n').filter((line) => line.includes('business.snapshot'));
    expect(snapshots.length).toBeGreaterThan(0);
    for (const line of snapshots)
      expect(line).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} {2}business\.snapshot /);
    expect(change.code).toBe(0);
    expect(change.stdout).toMatch(
      new RegExp(`^\\d{2}:\\d{2}:\\d{2} {2}business\\.created +businesses/${business.id}`, 'm'),
    );
  });
});
