/**
 * A sink that keeps refusing events stops `run` with exit 1 and says what to fix, in `--once` and in
 * the polling loop alike, so a supervisor sees it; a transient failure does not (see poll-runner.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { type CliRun, runCli, startCli, waitFor } from './cli-process.js';
import { TEST_USER_AGENT } from './simulator-api.js';

describe('cliniko-bridge run with a sink that refuses events', () => {
  let sim: RunningSimulator;
  let receiver: Server;
  let receiverUrl = '';
  let dir = '';
  let requests = 0;
  let run: CliRun | undefined;
  const secret = { CLINIKO_BRIDGE_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}` };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, patients: 5, appointments: 5 });
    receiver = createServer((req, res) => {
      requests += 1;
      req.resume();
      req.on('end', () => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    dir = await mkdtemp(join(tmpdir(), 'run-refusal-'));
  });
  afterEach(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    run = undefined;
  });
  afterAll(async () => {
    await sim.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const webhookRun = (extra: readonly string[], stateDir: string) => [
    'run',
    ...extra,
    '--streams',
    'businesses',
    '--start-from',
    'beginning',
    '--sink',
    `webhook:${receiverUrl}`,
    '--base-url',
    sim.baseUrl,
    '--api-key',
    sim.apiKeys[0] ?? '',
    '--user-agent',
    TEST_USER_AGENT,
    '--state-dir',
    join(dir, stateDir),
  ];

  it('--once: a receiver answering 404 stops the run with exit 1 and the fix', async () => {
    const result = await runCli(webhookRun(['--once'], 'once'), secret, { timeoutMs: 20_000 });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rejected event \S+ with HTTP 404; fix the receiver or the URL/);
  });

  it('polling loop: a receiver answering 404 ends the loop with exit 1 instead of retrying every interval', async () => {
    const before = requests;

    const result = await runCli(webhookRun(['--interval', '1s'], 'loop'), secret, { timeoutMs: 20_000 });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rejected event \S+ with HTTP 404; fix the receiver or the URL/);
    expect(result.stderr).toContain('Stopping: a sink refuses events');
    expect(result.stderr).not.toContain('Trying again');
    // One refused request: a 4xx is not retried, neither by the sink nor by the loop.
    expect(requests - before).toBe(1);
  });

  it('polling loop: a stdout pipe whose reader went away ends the run with exit 1 (EPIPE)', {
    timeout: 60_000,
  }, async () => {
    run = startCli([
      'run',
      '--simulate',
      '--interval',
      '1s',
      '--start-from',
      'beginning',
      '--sink',
      'ndjson:-',
    ]);
    const current = run;

    await waitFor(() => current.stdout().length > 0, 30_000, 'the first events on stdout');
    current.child.stdout?.destroy();
    const code = await current.exited;

    expect(code).toBe(1);
    expect(current.stderr()).toContain('stdout was closed by its reader (EPIPE)');
  });
});
