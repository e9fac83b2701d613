/**
 * Issue "lossless against the Cliniko that really exists", done-when: against a simulator with every
 * quirk on (lifecycle writes that leave `updated_at` alone, status feeds that answer 404, range
 * filters that keep hidden records hidden, touches, derived-field drift, sub-second order), a
 * `run --once` after each change reports it, once, with the right detail-type; nothing fails.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUIRKS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from './cli-process.js';
import { allIds, type SimulatorAccess, simRequest, TEST_USER_AGENT } from './simulator-api.js';

interface Detail {
  readonly type: string;
  readonly recordId: string;
  readonly changes: { readonly fields: readonly string[] } | null;
}

describe('run --once against a Cliniko with every documented quirk', () => {
  let sim: RunningSimulator;
  let access: SimulatorAccess;
  let dir = '';
  let runs = 0;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 12, patients: 10, appointments: 10, quirks: QUIRKS });
    access = { baseUrl: sim.baseUrl, origin: sim.origin, apiKey: sim.apiKeys[0] ?? '' };
    dir = await mkdtemp(join(tmpdir(), 'run-quirky-'));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** One `run --once` on the shared state; the events it wrote. */
  async function runOnce(...extra: string[]): Promise<Detail[]> {
    runs += 1;
    const out = join(dir, `events-${runs}.ndjson`);
    const result = await runCli([
      'run',
      '--once',
      '--streams',
      'patients,individual_appointments,contacts,practitioners',
      '--start-from',
      'beginning',
      '--sink',
      `ndjson:${out}`,
      '--base-url',
      access.baseUrl,
      '--api-key',
      access.apiKey,
      '--user-agent',
      TEST_USER_AGENT,
      '--state-dir',
      join(dir, 'state'),
      ...extra,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const text = await readFile(out, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { detail: Detail }).detail);
  }

  const of = (events: readonly Detail[], id: string) => events.filter((e) => e.recordId === id);
  const backdoor = (method: string, path: string, body?: unknown) =>
    fetch(`${access.origin}/__sim/records/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then((response) => expect(response.ok, `${method} ${path}`).toBe(true));

  it('reports archive, unarchive, cancel, deletes with and without a trace and a deactivation, each once', async () => {
    const backfill = await runOnce();
    expect(backfill.length).toBeGreaterThan(0);
    expect(backfill.every((e) => e.type.endsWith('.snapshot'))).toBe(true);
    const [patient] = await allIds(access, 'patients', []);
    const [appointment] = await allIds(access, 'individual_appointments', []);
    const [traced, untraced] = await allIds(access, 'contacts', []);
    const [practitioner] = await allIds(access, 'practitioners', []);
    if (!patient || !appointment || !traced || !untraced || !practitioner) throw new Error('seed too small');

    await simRequest(access, 'POST', `/patients/${patient}/archive`);
    expect(of(await runOnce(), patient).map((e) => e.type)).toEqual(['patient.archived']);

    await simRequest(access, 'POST', `/patients/${patient}/unarchive`);
    expect(of(await runOnce('--reconcile-every', '0s'), patient).map((e) => e.type)).toEqual([
      'patient.restored',
    ]);

    await simRequest(access, 'PATCH', `/individual_appointments/${appointment}/cancel`, {
      cancellation_reason: 50,
    });
    expect(of(await runOnce(), appointment).map((e) => e.type)).toEqual(['individual_appointment.cancelled']);

    await simRequest(access, 'DELETE', `/contacts/${traced}`);
    expect(of(await runOnce(), traced).map((e) => e.type)).toEqual(['contact.deleted']);

    await backdoor('DELETE', `contacts/${untraced}?trace=none`);
    expect(of(await runOnce('--reconcile-every', '0s'), untraced).map((e) => e.type)).toEqual([
      'contact.deleted',
    ]);

    await backdoor('PATCH', `practitioners/${practitioner}`, {
      set: { active: false },
      touchUpdatedAt: false,
    });
    const deactivated = of(await runOnce('--reconcile-every', '0s'), practitioner);
    expect(deactivated.map((e) => e.type)).toEqual(['practitioner.updated']);
    expect(deactivated[0]?.changes?.fields).toContain('active');

    // Nothing more to say: every change above was reported exactly once.
    const quiet = await runOnce('--reconcile-every', '0s');
    expect([patient, appointment, traced, untraced, practitioner].flatMap((id) => of(quiet, id))).toEqual([]);
  });
});
