/**
 * `cliniko-bridge accounts` against a local state directory, and `run` over its registry: an added
 * account is polled by the next run, a paused or removed one is not, removal keeps the state until a
 * purge deletes it, keys sit in a 0600 file and are never printed, and bad input changes nothing.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from './cli-process.js';
import { simRequest, TEST_USER_AGENT } from './simulator-api.js';

interface Detail {
  readonly account: string;
  readonly resource: string;
  readonly recordId: string;
  readonly type: string;
}

describe('accounts and a fleet run over a local state directory', () => {
  let sim: RunningSimulator;
  let dir = '';
  let stateDir = '';
  let runs = 0;
  const keyOf = (index: number) => sim.apiKeys[index] ?? '';

  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, accounts: 2, patients: 3, appointments: 3 });
    dir = await mkdtemp(join(tmpdir(), 'accounts-'));
    stateDir = join(dir, 'state');
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  const accounts = (args: readonly string[], input?: string) =>
    runCli(
      ['accounts', ...args, '--state-dir', stateDir],
      {},
      { timeoutMs: 60_000, ...(input ? { input } : {}) },
    );

  /** `run --once` over the registry; the events it wrote. */
  async function runFleet(): Promise<{ code: number; stderr: string; events: Detail[] }> {
    runs += 1;
    const out = join(dir, `events-${runs}.ndjson`);
    const { code, stderr } = await runCli(
      [
        'run',
        '--state-dir',
        stateDir,
        '--once',
        '--start-from',
        'now',
        '--sink',
        `ndjson:${out}`,
        '--user-agent',
        TEST_USER_AGENT,
      ],
      {},
      { timeoutMs: 120_000 },
    );
    const text = await readFile(out, 'utf8').catch(() => '');
    const events = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { detail: Detail }).detail);
    return { code, stderr, events };
  }

  const createPatient = async (index: number, lastName: string) => {
    const body = (await simRequest(
      { baseUrl: sim.baseUrl, origin: sim.origin, apiKey: keyOf(index) },
      'POST',
      '/patients',
      { first_name: 'Synthetic', last_name: lastName },
    )) as { id: string | number };
    return String(body.id);
  };

  it('adds accounts from stdin into a 0600 key file, and never prints a key', async () => {
    for (const [index, id] of [
      [0, 'clinic-zero'],
      [1, 'clinic-one'],
    ] as const) {
      const added = await accounts(
        ['add', id, '--api-key-stdin', '--base-url', sim.baseUrl],
        `${keyOf(index)}\n`,
      );
      expect([added.code, added.stderr]).toEqual([0, '']);
      expect(added.stdout).toContain(`Account ${id} added`);
      expect(added.stdout + added.stderr).not.toContain(keyOf(index));
    }
    const file = join(stateDir, 'api-keys.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      'clinic-zero': keyOf(0),
      'clinic-one': keyOf(1),
    });

    const listed = await accounts(['list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        account: 'clinic-one',
        paused: false,
        keyStore: 'local',
        lastSuccessAt: null,
      }),
      expect.objectContaining({
        account: 'clinic-zero',
        paused: false,
        keyStore: 'local',
        lastSuccessAt: null,
      }),
    ]);
    expect(listed.stdout).not.toContain(keyOf(0));
  });

  it('polls every registered account, each record under its own account only', async () => {
    const first = await runFleet();
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Polling 2 registered accounts');

    const zero = await createPatient(0, 'Zero');
    const one = await createPatient(1, 'One');
    const second = await runFleet();

    expect(second.code).toBe(0);
    const patients = second.events.filter((e) => e.resource === 'patients');
    expect(patients.map((e) => [e.account, e.recordId, e.type]).sort()).toEqual(
      [
        ['clinic-one', one, 'patient.created'],
        ['clinic-zero', zero, 'patient.created'],
      ].sort(),
    );
    const listed = JSON.parse((await accounts(['list', '--json'])).stdout) as {
      lastSuccessAt: string | null;
      lagSeconds: number | null;
    }[];
    for (const row of listed) {
      expect(row.lastSuccessAt).not.toBeNull();
      expect(typeof row.lagSeconds).toBe('number');
    }
  });

  it('stops polling a paused account until it is resumed', async () => {
    expect((await accounts(['pause', 'clinic-one'])).code).toBe(0);
    await createPatient(1, 'Paused');
    const paused = await runFleet();
    expect(paused.events.filter((e) => e.account === 'clinic-one')).toEqual([]);

    expect((await accounts(['resume', 'clinic-one'])).code).toBe(0);
    const resumed = await runFleet();
    expect(
      resumed.events
        .filter((e) => e.account === 'clinic-one' && e.resource === 'patients')
        .map((e) => e.type),
    ).toEqual(['patient.created']);
  });

  it('keeps the state of a removed account until it is purged', async () => {
    const removed = await accounts(['remove', 'clinic-one']);
    expect(removed.code).toBe(0);
    await createPatient(1, 'Removed');
    const without = await runFleet();
    expect(without.stderr).toContain('Polling 1 registered account (clinic-zero)');
    expect(without.events.filter((e) => e.account === 'clinic-one')).toEqual([]);

    // Added again: it resumes from its saved cursors, so only the change made meanwhile is new.
    await accounts(['add', 'clinic-one', '--api-key-stdin', '--base-url', sim.baseUrl], keyOf(1));
    const back = await runFleet();
    expect(back.events.filter((e) => e.account === 'clinic-one').map((e) => e.type)).toEqual([
      'patient.created',
    ]);

    expect((await accounts(['remove', 'clinic-one'])).code).toBe(0);
    const purged = await accounts(['purge', 'clinic-one', '--yes', '--json']);
    expect(purged.code).toBe(0);
    expect(JSON.parse(purged.stdout)).toEqual({
      account: 'clinic-one',
      purged: true,
      stateItems: expect.any(Number),
      // Its entry was removed first; the key it named is deleted all the same.
      keysDeleted: 1,
    });
    expect((JSON.parse(purged.stdout) as { stateItems: number }).stateItems).toBeGreaterThan(11);
    expect(JSON.parse(await readFile(join(stateDir, 'api-keys.json'), 'utf8'))).toEqual({
      'clinic-zero': keyOf(0),
    });
  });

  it('refuses bad input with the flag and the fix, and changes nothing', async () => {
    const before = (await accounts(['list', '--json'])).stdout;
    const cases: [readonly string[], string | undefined, RegExp][] = [
      [
        ['add', 'Bad_Id', '--api-key-stdin'],
        keyOf(0),
        /ID: has the wrong format; use 1–63 lowercase letters, digits or hyphens/,
      ],
      [
        ['add', 'clinic-two', '--api-key-stdin', '--base-url', sim.baseUrl],
        '   ',
        /--api-key-stdin: read nothing from stdin/,
      ],
      [['add', 'clinic-two', '--base-url', sim.baseUrl], keyOf(0), /--api-key-stdin: is required/],
      [['add', 'clinic-two', '--api-key-stdin', '--streams', 'patients,nope'], keyOf(0), /--streams/],
      [
        ['add', 'clinic-two', '--api-key-stdin', '--key-store', 'vault'],
        keyOf(0),
        /--key-store: must be one of local, secretsmanager, ssm/,
      ],
      [
        ['pause', 'clinic-zer0'],
        undefined,
        /no account "clinic-zer0" is registered \(did you mean "clinic-zero"\?\)/,
      ],
      [['purge', 'clinic-zero'], undefined, /--yes: purge deletes/],
      [['rmove', 'clinic-zero'], undefined, /did you mean "remove"/],
    ];
    for (const [args, input, message] of cases) {
      const result = await accounts(args, input);
      expect([args.join(' '), result.code]).toEqual([args.join(' '), 2]);
      expect(result.stderr).toMatch(message);
      expect(result.stdout + result.stderr).not.toContain(keyOf(0));
    }
    expect((await accounts(['list', '--json'])).stdout).toBe(before);
  });
});

describe('run --config: the CDK configuration file, polled locally as a fleet', () => {
  let sim: RunningSimulator;
  let dir = '';

  beforeAll(async () => {
    sim = await startSimulator({ seed: 22, accounts: 2, patients: 4, appointments: 2 });
    dir = await mkdtemp(join(tmpdir(), 'run-config-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers the accounts with their inline keys kept in the 0600 key file, and polls each under its own id', async () => {
    const config = {
      accounts: [
        {
          id: 'config-a',
          apiKeySecret: { apiKey: sim.apiKeys[0] },
          baseUrl: sim.baseUrl,
          streams: ['patients'],
        },
        {
          id: 'config-b',
          apiKeySecret: { apiKey: sim.apiKeys[1] },
          baseUrl: sim.baseUrl,
          streams: ['patients'],
        },
      ],
      userAgent: TEST_USER_AGENT,
      startFrom: 'beginning',
    };
    const file = join(dir, 'bridge.json');
    await writeFile(file, JSON.stringify(config));
    const stateDir = join(dir, 'state');
    const run = async (n: number) => {
      const out = join(dir, `events-${n}.ndjson`);
      const result = await runCli(
        ['run', '--config', file, '--state-dir', stateDir, '--once', '--sink', `ndjson:${out}`],
        {},
        { timeoutMs: 120_000 },
      );
      const text = await readFile(out, 'utf8').catch(() => '');
      const events = text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => (JSON.parse(line) as { detail: Detail }).detail);
      return { ...result, events };
    };

    const first = await run(1);
    expect([first.code, first.stderr]).toEqual([0, expect.stringContaining('Registered the accounts of')]);
    const idsOf = (account: string) =>
      new Set(first.events.filter((e) => e.account === account).map((e) => e.recordId));
    const [a, b] = [idsOf('config-a'), idsOf('config-b')];
    expect(a.size).toBe(4);
    expect(b.size).toBe(4);
    // The two simulated clinics share no record id: nothing of one appears under the other.
    expect([...a].filter((id) => b.has(id))).toEqual([]);
    expect(first.stdout + first.stderr).not.toContain(sim.apiKeys[0] ?? '-');
    expect((await stat(join(stateDir, 'api-keys.json'))).mode & 0o777).toBe(0o600);

    const second = await run(2);
    expect(second.code).toBe(0);
    expect(second.events).toEqual([]);
    expect(second.stderr).not.toContain('Registered the accounts of');
  });

  it('refuses a file it cannot read or parse, naming it', async () => {
    const missing = await runCli([
      'run',
      '--config',
      join(dir, 'nope.json'),
      '--state-dir',
      join(dir, 's2'),
      '--once',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--config: cannot read .*nope\.json/);

    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ accounts: [{ id: 'X', apiKeySecret: 'cliniko/x' }] }),
    );
    const bad = await runCli([
      'run',
      '--config',
      join(dir, 'bad.json'),
      '--state-dir',
      join(dir, 's3'),
      '--once',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/accounts\[0\]\.id/);
  });
});
