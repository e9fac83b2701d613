import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeSimulatorKey } from '../../cli/simulator-key.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from './cli-process.js';
import { TEST_USER_AGENT } from './simulator-api.js';

describe('a simulator key without --base-url', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 4, patients: 2, appointments: 2, accounts: 2 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('is recognised for every key the simulator issues, and not for a real-shaped key', () => {
    expect(sim.apiKeys.length).toBe(2);
    for (const key of sim.apiKeys) expect(looksLikeSimulatorKey(key)).toBe(true);
    expect(looksLikeSimulatorKey('MS0abcdef-au2')).toBe(false);
    expect(looksLikeSimulatorKey('oldkeywithoutshard')).toBe(false);
  });

  it('doctor says it looks like a simulator key and to pass --base-url, without calling any host', async () => {
    const key = sim.apiKeys[0] ?? '';
    const started = Date.now();

    const result = await runCli(['doctor', '--user-agent', TEST_USER_AGENT], { CLINIKO_API_KEY: key });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--base-url: .*looks like a key of the Cliniko simulator/);
    expect(result.stderr).toContain("the simulator's ready line prints it");
    expect(result.stderr).not.toContain('xx1.cliniko.com');
    expect(`${result.stdout}${result.stderr}`).not.toContain(key);
    expect(result.stdout).toBe('');
    // No retries against an unresolvable shard host: refused before any request.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('doctor --json refuses it the same way (exit 2, message on stderr, nothing on stdout)', async () => {
    const result = await runCli(['doctor', '--json', '--user-agent', TEST_USER_AGENT], {
      CLINIKO_API_KEY: sim.apiKeys[1] ?? '',
    });

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--base-url');
  });

  it('run refuses it the same way', async () => {
    const result = await runCli([
      'run',
      '--once',
      '--user-agent',
      TEST_USER_AGENT,
      '--api-key',
      sim.apiKeys[0] ?? '',
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--base-url: .*looks like a key of the Cliniko simulator/);
  });

  it('doctor with the simulator key and its --base-url works', async () => {
    const result = await runCli(
      ['doctor', '--base-url', sim.baseUrl, '--streams', 'patients', '--user-agent', TEST_USER_AGENT],
      {
        CLINIKO_API_KEY: sim.apiKeys[0] ?? '',
      },
    );

    expect(result.code).toBe(0);
  });
});
