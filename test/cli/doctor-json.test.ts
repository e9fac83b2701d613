import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_STREAMS } from '../../shared/streams.js';

const CORE_NAMES = CORE_STREAMS.map((s) => s.name);

import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from './cli-process.js';
import { TEST_USER_AGENT } from './simulator-api.js';

interface DoctorJson {
  readonly outcome: string;
  readonly ok: boolean;
  readonly exitCode: number;
  readonly checks: readonly { check: string; status: string; detail: string; stream?: string }[];
}

describe('cliniko-bridge doctor --json', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 2, patients: 12, appointments: 8 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('prints one JSON document: every check with status and detail, and the outcome; exit 0', async () => {
    const result = await runCli([
      'doctor',
      '--json',
      '--base-url',
      sim.baseUrl,
      '--api-key',
      sim.apiKeys[0] ?? '',
      '--user-agent',
      TEST_USER_AGENT,
    ]);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DoctorJson;
    expect(report.outcome).toBe('passed');
    expect(report.ok).toBe(true);
    expect(report.exitCode).toBe(0);
    expect(report.checks.map((c) => c.check)).toEqual([
      'shard / base URL',
      'authentication',
      ...CORE_STREAMS.flatMap((stream) => [
        `stream ${stream.name}`,
        ...(stream.extraLists ?? []).map((list) => `stream ${stream.name} ${list.path}`),
        ...(stream.deletedFeed ? [`stream ${stream.name} ${stream.deletedFeed.path}`] : []),
      ]),
      'rate limit',
    ]);
    expect(report.checks.every((c) => c.status === 'ok' && c.detail.length > 0)).toBe(true);
    expect(new Set(report.checks.flatMap((c) => (c.stream === undefined ? [] : [c.stream])))).toEqual(
      new Set(CORE_NAMES),
    );
  });

  it('keeps the exit code of a refused key (3) and reports it in the outcome', async () => {
    const key = 'notarealkey42-uk1';

    const result = await runCli(
      ['doctor', '--json', '--base-url', sim.baseUrl, '--user-agent', TEST_USER_AGENT],
      {
        CLINIKO_API_KEY: key,
      },
    );

    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as DoctorJson;
    expect(report).toMatchObject({ outcome: 'key-refused', ok: false, exitCode: 3 });
    expect(report.checks.find((c) => c.check === 'authentication')?.status).toBe('fail');
    expect(report.checks.find((c) => c.check === 'stream patients')?.status).toBe('skipped');
    expect(result.stdout).not.toContain(key);
  });
});
