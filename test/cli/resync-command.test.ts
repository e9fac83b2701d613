/**
 * `cliniko-bridge resync`, spawned against the simulator over HTTP with the embedded store on disk
 * (`--state-dir`, dynalite): after a `run`, it sends unchanged records again under the same event
 * ids, reports a record changed since as a new event (and records it, so the next run is quiet),
 * keeps to `--streams`, and refuses bad arguments before sending anything.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { isChangeEvent } from '../../shared/events/index.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from './cli-process.js';
import { type SimulatorAccess, simRequest, TEST_USER_AGENT } from './simulator-api.js';

/** Before the simulator's seeded history (three years up to 2026-01-01): every record qualifies. */
const SINCE_ALL = '2020-01-01T00:00:00Z';
const STREAMS = 'patients,individual_appointments';
const TIMEOUT = { timeoutMs: 60_000 };

async function readEvents(path: string): Promise<ChangeEvent[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const events = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
  for (const event of events) expect(isChangeEvent(event)).toBe(true);
  return events as ChangeEvent[];
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

const idsOf = (events: readonly ChangeEvent[]): string[] => events.map((e) => e.detail.eventId).sort();

describe('cliniko-bridge resync after a run', () => {
  let sim: RunningSimulator;
  let access_: SimulatorAccess;
  let dir = '';
  let backfill: ChangeEvent[] = [];
  const file = (name: string) => join(dir, name);
  const connection = () => [
    '--base-url',
    sim.baseUrl,
    '--api-key',
    access_.apiKey,
    '--user-agent',
    TEST_USER_AGENT,
    '--state-dir',
    file('state'),
  ];
  const resync = (extra: readonly string[]) => runCli(['resync', ...connection(), ...extra], {}, TIMEOUT);
  const runOnce = (sink: string, extra: readonly string[] = []) =>
    runCli(
      ['run', '--once', ...connection(), '--streams', STREAMS, '--sink', `ndjson:${sink}`, ...extra],
      {},
      TIMEOUT,
    );

  beforeAll(async () => {
    sim = await startSimulator({ seed: 17, patients: 30, appointments: 25 });
    access_ = { baseUrl: sim.baseUrl, origin: sim.origin, apiKey: sim.apiKeys[0] ?? '' };
    dir = await mkdtemp(join(tmpdir(), 'resync-command-'));
    const first = await runOnce(file('backfill.ndjson'), ['--start-from', 'beginning']);
    expect(first.code, first.stderr).toBe(0);
    backfill = await readEvents(file('backfill.ndjson'));
    expect(backfill.length).toBeGreaterThan(40);
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends every unchanged record again under the event id the run published, and prints a JSON summary', async () => {
    const result = await resync([
      '--since',
      SINCE_ALL,
      '--streams',
      STREAMS,
      '--sink',
      `ndjson:${file('again.ndjson')}`,
      '--json',
    ]);

    expect(result.code, result.stderr).toBe(0);
    const again = await readEvents(file('again.ndjson'));
    expect(idsOf(again)).toEqual(idsOf(backfill));
    expect(again.map((e) => e.detail.type)).toEqual(backfill.map((e) => e.detail.type));
    const summary = JSON.parse(result.stdout) as {
      stopped: string;
      ok: boolean;
      totals: { records: number; resent: number; snapshots: number; changes: number };
      streams: { stream: string; outcome: string; resent: number }[];
    };
    expect(summary).toMatchObject({ stopped: 'done', ok: true, since: SINCE_ALL, until: null });
    expect(summary.totals).toEqual({
      records: backfill.length,
      resent: backfill.length,
      snapshots: 0,
      changes: 0,
    });
    expect(summary.streams.map((s) => [s.stream, s.outcome])).toEqual([
      ['patients', 'done'],
      ['individual_appointments', 'done'],
    ]);
    // Progress and the per-stream lines go to stderr, never record data.
    expect(result.stderr).toMatch(/^patients: \d+ records?, \d+ sent again under their original ids/m);
    expect(result.stderr).not.toContain('@');
  });

  it('sends a record changed since as a new change event, records it, and the next run reports nothing for it', async () => {
    const page = (await simRequest(access_, 'GET', '/patients?per_page=1&sort=id')) as {
      patients: { id: string }[];
    };
    const changed = page.patients[0]?.id ?? '';
    await simRequest(access_, 'PATCH', `/patients/${changed}`, { notes: 'changed after the run' });

    const result = await resync([
      '--since',
      SINCE_ALL,
      '--streams',
      STREAMS,
      '--sink',
      `ndjson:${file('changed.ndjson')}`,
    ]);
    const next = await runOnce(file('next-run.ndjson'));

    expect(result.code, result.stderr).toBe(0);
    const events = await readEvents(file('changed.ndjson'));
    const forChanged = events.filter((e) => e.detail.recordId === changed);
    expect(forChanged.map((e) => e.detail.type)).toEqual(['patient.updated']);
    expect(forChanged[0]?.detail.changes?.fields).toContain('notes');
    expect(idsOf(backfill)).not.toContain(forChanged[0]?.detail.eventId);
    const others = events.filter((e) => e.detail.recordId !== changed);
    expect(idsOf(others)).toEqual(idsOf(backfill.filter((e) => e.detail.recordId !== changed)));
    expect(result.stderr).toMatch(/1 change \(updated 1\)/);
    expect(next.code, next.stderr).toBe(0);
    expect((await readEvents(file('next-run.ndjson'))).map((e) => e.detail.recordId)).not.toContain(changed);
  });

  it('sends only the streams --streams names, and only records changed since --since', async () => {
    const result = await resync([
      '--since',
      SINCE_ALL,
      '--streams',
      'individual_appointments',
      '--sink',
      `ndjson:${file('appointments.ndjson')}`,
    ]);
    const recent = await resync([
      '--since',
      new Date(Date.now() - 3_600_000).toISOString(),
      '--streams',
      STREAMS,
      '--sink',
      `ndjson:${file('recent.ndjson')}`,
    ]);

    expect(result.code, result.stderr).toBe(0);
    const appointments = await readEvents(file('appointments.ndjson'));
    expect(new Set(appointments.map((e) => e.detail.resource))).toEqual(new Set(['individual_appointments']));
    expect(idsOf(appointments)).toEqual(
      idsOf(backfill.filter((e) => e.detail.resource === 'individual_appointments')),
    );
    expect(recent.code, recent.stderr).toBe(0);
    // Only the patient changed in the previous test was updated within the last hour.
    expect((await readEvents(file('recent.ndjson'))).map((e) => e.detail.type)).toEqual(['patient.updated']);
  });

  it('skips streams the run never polled, saying so, and fails naming --account when none was', async () => {
    const some = await resync([
      '--since',
      SINCE_ALL,
      '--streams',
      'patients,contacts',
      '--sink',
      `ndjson:${file('some.ndjson')}`,
    ]);
    const none = await resync([
      '--since',
      SINCE_ALL,
      '--account',
      'never-ran',
      '--sink',
      `ndjson:${file('none.ndjson')}`,
    ]);

    expect(some.code, some.stderr).toBe(0);
    expect(some.stderr).toContain('contacts: skipped, never polled');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--account');
    expect(none.stderr).toContain('never-ran');
    expect(await readEvents(file('none.ndjson'))).toEqual([]);
  });

  it('refuses a --since that is not a UTC instant with exit 2, naming the flag, and sends nothing', async () => {
    const result = await resync(['--since', 'yesterday', '--sink', `ndjson:${file('bad.ndjson')}`]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since');
    expect(result.stderr).toContain('2026-01-31T00:00:00Z');
    expect(result.stdout).toBe('');
    expect(await exists(file('bad.ndjson'))).toBe(false);
  });
});

describe('cliniko-bridge resync arguments', () => {
  const base = ['--api-key', 'abc-au2', '--user-agent', TEST_USER_AGENT, '--state-dir', '/nonexistent/state'];

  it.each([
    [[], '--since: is required'],
    [['--since', '2026-02-30T00:00:00Z'], '--since: expected a UTC instant'],
    [['--since', '2999-01-01T00:00:00Z'], '--since: is in the future'],
    [
      ['--since', '2026-01-02T00:00:00Z', '--until', '2026-01-01T00:00:00Z'],
      '--until: must be after --since',
    ],
    [['--since', '2026-01-01T00:00:00Z', '--until', 'soon'], '--until: expected a UTC instant'],
    [['--since', '2026-01-01T00:00:00Z', '--json', '--sink', 'ndjson:-'], '--json'],
    [['--since', '2026-01-01T00:00:00Z', '--streams', 'patient'], '--streams'],
    [['--since', '2026-01-01T00:00:00Z', '--once'], "Unknown option '--once'"],
  ])('exits 2 for %j, saying %s', async (args, message) => {
    const result = await runCli(['resync', ...base, ...args], {}, TIMEOUT);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('shows its usage with --help and is listed in the commands', async () => {
    const help = await runCli(['resync', '--help']);
    const usage = await runCli(['--help']);

    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: cliniko-bridge resync --since ISO');
    for (const flag of [
      '--until',
      '--streams',
      '--state-dir',
      '--table',
      '--sink',
      '--api-key',
      '--simulate',
      '--json',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect(usage.stdout).toMatch(/^ {2}resync +\S/m);
  });
});
