import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isChangeEvent } from '../../shared/events/index.js';
import { findStream } from '../../shared/streams.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli, startCli, waitFor } from './cli-process.js';
import { changelog, type SimulatorAccess, simRequest, TEST_USER_AGENT } from './simulator-api.js';

async function readEvents(path: string): Promise<unknown[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

describe('cliniko-bridge run --once against the simulator', () => {
  let sim: RunningSimulator;
  let access: SimulatorAccess;
  let dir = '';
  const firstFile = () => join(dir, 'first.ndjson');
  const secondFile = () => join(dir, 'second.ndjson');
  const onceArgs = (file: string, extra: readonly string[] = []) => [
    'run',
    '--once',
    '--sink',
    `ndjson:${file}`,
    '--base-url',
    sim.baseUrl,
    '--api-key',
    access.apiKey,
    '--user-agent',
    TEST_USER_AGENT,
    '--state-dir',
    join(dir, 'state'),
    ...extra,
  ];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, patients: 40, appointments: 60 });
    access = { baseUrl: sim.baseUrl, origin: sim.origin, apiKey: sim.apiKeys[0] ?? '' };
    dir = await mkdtemp(join(tmpdir(), 'run-command-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('backfills every existing record as a contract-shaped snapshot event and exits 0', async () => {
    const result = await runCli(onceArgs(firstFile(), ['--start-from', 'beginning']));

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Caught up:');
    const events = await readEvents(firstFile());
    expect(events.length).toBeGreaterThan(100);
    expect(events.every((event) => isChangeEvent(event))).toBe(true);
    const types = new Set(events.map((event) => (event as { 'detail-type': string })['detail-type']));
    expect([...types].every((type) => type.endsWith('.snapshot'))).toBe(true);
    const patientIds = new Set(
      events
        .map((event) => (event as { detail: { resource: string; recordId: string } }).detail)
        .filter((detail) => detail.resource === 'patients')
        .map((detail) => detail.recordId),
    );
    const listed = (await simRequest(access, 'GET', '/patients?q[]=archived_at:*&per_page=1')) as {
      total_entries: number;
    };
    expect(patientIds.size).toBe(listed.total_entries);
  });

  it('emits exactly the changes made since, on a second --once with the same state', async () => {
    const before = (await changelog(access)).at(-1)?.seq ?? 0;
    const created = (await simRequest(access, 'POST', '/patients', {
      first_name: 'Test',
      last_name: 'Person',
    })) as {
      id: string;
    };
    const page = (await simRequest(access, 'GET', '/patients?per_page=1&sort=id')) as {
      patients: { id: string }[];
    };
    const patched = page.patients[0]?.id ?? '';
    await simRequest(access, 'PATCH', `/patients/${patched}`, { notes: 'changed by the test' });
    const appointments = (await simRequest(access, 'GET', '/individual_appointments?per_page=1&sort=id')) as {
      individual_appointments: { id: string }[];
    };
    const cancelled = appointments.individual_appointments[0]?.id ?? '';
    await simRequest(access, 'PATCH', `/individual_appointments/${cancelled}/cancel`, {
      cancellation_reason: 10,
    });

    const result = await runCli(onceArgs(secondFile()));

    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('Person');
    const truth = (await changelog(access, before)).map(
      (c) => `${findStream(c.resource)?.entity}.${c.action} ${c.resource}/${c.id}`,
    );
    expect(truth).toEqual(
      expect.arrayContaining([
        `patient.created patients/${created.id}`,
        `patient.updated patients/${patched}`,
        `individual_appointment.cancelled individual_appointments/${cancelled}`,
      ]),
    );
    const events = (await readEvents(secondFile())) as {
      detail: { type: string; resource: string; recordId: string };
    }[];
    const seen = events.map(({ detail }) => `${detail.type} ${detail.resource}/${detail.recordId}`);
    expect(seen.sort()).toEqual(truth.sort());
  });
});

describe('cliniko-bridge run argument and account errors', () => {
  let sim: RunningSimulator;
  let dir = '';

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, patients: 5, appointments: 5 });
    dir = await mkdtemp(join(tmpdir(), 'run-errors-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 and names the flag for an unknown stream, listing the valid ones', async () => {
    const result = await runCli(['run', '--simulate', '--streams', 'patients,patient_notes']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--streams');
    expect(result.stderr).toContain('individual_appointments');
  });

  it('exits 2 for an interval without a unit and an unknown flag', async () => {
    const interval = await runCli(['run', '--simulate', '--interval', '10']);
    const unknown = await runCli(['run', '--simulate', '--sinks', 'console']);

    expect(interval.code).toBe(2);
    expect(interval.stderr).toContain('--interval');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("'--sinks'");
  });

  it('exits 2 when a real account has no User-Agent, with an example of one', async () => {
    const result = await runCli(['run', '--once', '--api-key', 'abc-au2', '--state-dir', join(dir, 'ua')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--user-agent');
    expect(result.stderr).toMatch(/e\.g\. --user-agent "[^"]+ \([^)]+@[^)]+\)"/);
  });

  it('exits 2 when neither --simulate nor an API key is given', async () => {
    const result = await runCli(['run', '--once']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--api-key');
    expect(result.stderr).toContain('--simulate');
  });

  it('exits 3 for a key Cliniko refuses, mentioning the shard and never printing the key', async () => {
    const key = 'wrongkey0123456789-au2';
    const result = await runCli(
      [
        'run',
        '--once',
        '--base-url',
        sim.baseUrl,
        '--user-agent',
        TEST_USER_AGENT,
        '--state-dir',
        join(dir, 'auth'),
      ],
      { CLINIKO_API_KEY: key },
    );

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('401');
    expect(result.stderr).toContain('shard');
    expect(result.stderr).not.toContain(key);
  });

  it('exits 2 when another process uses the same state directory', { timeout: 40_000 }, async () => {
    const args = [
      '--base-url',
      sim.baseUrl,
      '--api-key',
      sim.apiKeys[0] ?? '',
      '--user-agent',
      TEST_USER_AGENT,
    ];
    const stateDir = join(dir, 'shared-state');
    const first = startCli(['run', '--interval', '1m', '--state-dir', stateDir, ...args]);
    try {
      await waitFor(() => first.stderr().includes('State:'), 20_000, 'the first run to start');

      const second = await runCli(['run', '--once', '--state-dir', stateDir, ...args]);

      expect(second.code).toBe(2);
      expect(second.stderr).toContain('--state-dir');
      expect(second.stderr).toContain(`pid ${first.child.pid}`);
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    }
  });

  it('prints the options and exits 0 for --help', async () => {
    const result = await runCli(['run', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--start-from');
    expect(result.stdout).toContain('--state-dir');
  });
});
