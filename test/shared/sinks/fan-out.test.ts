import { describe, expect, it } from 'vitest';
import type { EventPublisher } from '../../../shared/engine/ports.js';
import { ConfigError, PublishError } from '../../../shared/errors.js';
import { FanOutPublisher } from '../../../shared/sinks/fan-out.js';
import { FaultPlan, publishFails, withFaults } from '../../support/fault-plan.js';
import { RecordingPublisher } from '../../support/recording-publisher.js';
import { sampleEvents } from './sample-events.js';

/** A recording sink whose next call fails as a whole. */
const failingPublisher = () =>
  withFaults(new RecordingPublisher(), new FaultPlan<EventPublisher>().next('publish', publishFails));

describe('FanOutPublisher', () => {
  it('publishes every batch to every sink', async () => {
    const first = new RecordingPublisher();
    const second = new RecordingPublisher();
    const events = sampleEvents(3);

    await new FanOutPublisher([first, second]).publish(events);

    expect(first.events).toEqual(events);
    expect(second.events).toEqual(events);
  });

  it('fails the batch when one sink fails, after the others have had it', async () => {
    const healthy = new RecordingPublisher();
    const failing = failingPublisher();
    const events = sampleEvents(2);

    const publishing = new FanOutPublisher([failing, healthy]).publish(events);

    await expect(publishing).rejects.toBeInstanceOf(PublishError);
    expect(healthy.events).toEqual(events);
    expect(failing.events).toEqual([]);
  });

  it('reports every failing sink when several fail', async () => {
    const first = failingPublisher();
    const second = failingPublisher();

    const publishing = new FanOutPublisher([first, second, new RecordingPublisher()]).publish(
      sampleEvents(1),
    );

    await expect(publishing).rejects.toThrow(/^2 of 3 sinks failed: /);
  });

  it('refuses to be built without sinks, which would drop every event', () => {
    expect(() => new FanOutPublisher([])).toThrow(ConfigError);
  });
});

describe('FanOutPublisher failure messages', () => {
  it('describes a foreign failure by type and AWS metadata instead of "unexpected error"', async () => {
    const { EventBridgeServiceException } = await import('@aws-sdk/client-eventbridge');
    const aws = new EventBridgeServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 403, requestId: 'req-9' },
      message: 'not shown',
    });
    const failingWith = (error: Error) => ({
      publish: async () => {
        throw error;
      },
    });

    const publishing = new FanOutPublisher([
      failingWith(aws),
      failingWith(new PublishError('webhook down')),
    ]).publish(sampleEvents(1));

    await expect(publishing).rejects.toThrow(
      '2 of 2 sinks failed: AccessDeniedException (HTTP 403, request id req-9) | webhook down',
    );
  });
});
