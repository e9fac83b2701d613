/**
 * The polling loop's error policy against the real engine (simulator over HTTP, in-memory embedded
 * store), fixed-interval and adaptive alike: a transient publish failure waits for the next poll; a
 * sink refusal ends the loop.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollRunner } from '../../cli/poll-runner.js';
import { Progress } from '../../cli/progress.js';
import { Shutdown } from '../../cli/shutdown.js';
import { openState } from '../../cli/state-location.js';
import { StderrLogger } from '../../cli/stderr-logger.js';
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { parseBridgeConfig, syncOptionsFor } from '../../shared/config/index.js';
import type { EventPublisher } from '../../shared/engine/ports.js';
import { PublishError } from '../../shared/errors.js';
import { FanOutPublisher } from '../../shared/sinks/fan-out.js';
import { WebhookRejectedError } from '../../shared/sinks/webhook-sink.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { TEST_USER_AGENT } from './simulator-api.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** A publisher that fails each call with the next error of `failures`, then accepts everything. */
function failing(failures: readonly Error[]): EventPublisher & { calls: number } {
  const publisher = {
    calls: 0,
    async publish(events: readonly unknown[]): Promise<void> {
      if (events.length === 0) return;
      const failure = failures[publisher.calls];
      publisher.calls += 1;
      if (failure !== undefined) throw failure;
    },
  };
  return publisher;
}

const rejected = () =>
  new WebhookRejectedError(
    'webhook receiver http://127.0.0.1:1 rejected event e1 with HTTP 404; fix the receiver or the URL.',
    404,
    'e1',
  );

describe.each(['loop', 'adaptive'] as const)('PollRunner.%s', (mode) => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, patients: 4, appointments: 4 });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function loopWith(
    publisher: EventPublisher,
  ): Promise<{ outcome: Promise<number>; stderr: () => string; stop: () => void }> {
    const state = await openState({ kind: 'memory' }, {});
    const cliniko = new ClinikoClient({
      apiKey: sim.apiKeys[0] ?? '',
      userAgent: TEST_USER_AGENT,
      baseUrl: sim.baseUrl,
    });
    const err = capture();
    const shutdown = new Shutdown(err.stream, () => undefined);
    const config = parseBridgeConfig({
      accounts: [{ id: 'loop-test', apiKeySecret: 'local-run', streams: ['businesses'] }],
      userAgent: TEST_USER_AGENT,
      startFrom: 'beginning',
    });
    const runner = new PollRunner({
      deps: {
        cliniko,
        keys: await state.keys(),
        state: state.store,
        publisher,
        logger: new StderrLogger(err.stream, 'warn'),
        ...(state.leaseOwner === undefined ? {} : { owner: state.leaseOwner }),
      },
      syncOptions: syncOptionsFor(config, 'loop-test', { signal: shutdown.signal }),
      intervalMs: 20,
      shutdown,
      progress: new Progress({ out: err.stream, live: false }),
      stderr: err.stream,
      announceEvents: true,
    });
    shutdown.pollingStarted();
    const polling = mode === 'loop' ? runner.loop() : runner.adaptive(config);
    const outcome = polling.finally(async () => {
      shutdown.dispose();
      await cliniko.close();
      await state.close();
    });
    return { outcome, stderr: err.text, stop: () => process.emit('SIGINT') };
  }

  it('keeps polling after a transient publish failure and publishes on a later poll', async () => {
    const publisher = failing([
      new PublishError(
        'webhook receiver http://127.0.0.1:1 did not accept event e1 after 8 attempts (last: HTTP 503)',
      ),
    ]);
    const loop = await loopWith(publisher);

    const deadline = Date.now() + 15_000;
    while (publisher.calls < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    loop.stop();

    expect(await loop.outcome).toBe(0);
    expect(publisher.calls).toBeGreaterThanOrEqual(2);
    expect(loop.stderr()).toContain(
      'Poll failed: webhook receiver http://127.0.0.1:1 did not accept event e1',
    );
    expect(loop.stderr()).toContain('Trying again');
  });

  it('ends with the refusal (exit 1 in the CLI) when a sink refuses events', async () => {
    const publisher = failing([rejected()]);
    const loop = await loopWith(publisher);

    await expect(loop.outcome).rejects.toBeInstanceOf(WebhookRejectedError);
    expect(publisher.calls).toBe(1);
    expect(loop.stderr()).toContain('Stopping: a sink refuses events');
    expect(loop.stderr()).not.toContain('Trying again');
  });

  it('ends too when the refusal comes with another sink failure through the fan-out', async () => {
    const fanOut = new FanOutPublisher([
      failing([rejected()]),
      failing([new PublishError('other sink down')]),
    ]);
    const loop = await loopWith(fanOut);

    await expect(loop.outcome).rejects.toBeInstanceOf(PublishError);
    expect(loop.stderr()).toContain('Stopping: a sink refuses events');
  });
});
