import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../../shared/errors.js';
import {
  EventBridgePublisher,
  entrySize,
  MAX_REQUEST_BYTES,
  packEntries,
} from '../../../shared/publish/eventbridge-publisher.js';
import { syntheticEvent } from './change-event-fixture.js';

// aws-sdk-client-mock only injects faults real endpoints cannot be made to produce on demand;
// delivery itself is tested against moto in the test:aws tier.
const client = new EventBridgeClient({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const eventBridge = mockClient(client);
const noSleep = async (): Promise<void> => {};
const publisherWith = (maxAttempts = 4) =>
  new EventBridgePublisher({ client, busName: 'bridge-bus', maxAttempts, sleep: noSleep });
const events = (count: number, filler?: number) =>
  Array.from({ length: count }, (_, i) => syntheticEvent(i, { filler }));
const sentEntries = (call: number): PutEventsRequestEntry[] =>
  eventBridge.commandCalls(PutEventsCommand)[call]?.args[0].input.Entries ?? [];
const accepted = (entries: readonly unknown[]) => ({
  FailedEntryCount: 0,
  Entries: entries.map((_, i) => ({ EventId: `id-${i}` })),
});

afterEach(() => {
  eventBridge.reset();
});

describe('EventBridgePublisher', () => {
  it('sends each event as an entry with source, detail type, JSON detail, time and bus', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => accepted(input.Entries));
    const [event] = events(1);
    if (!event) throw new Error('fixture');

    await publisherWith().publish([event]);

    expect(sentEntries(0)).toEqual([
      {
        Source: 'cliniko.bridge',
        DetailType: 'patient.updated',
        Detail: JSON.stringify(event.detail),
        Time: new Date('2026-11-29T10:00:00Z'),
        EventBusName: 'bridge-bus',
      },
    ]);
  });

  it('splits 25 events into requests of at most 10 entries', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => accepted(input.Entries));
    const publisher = publisherWith();

    await publisher.publish(events(25));

    expect(eventBridge.commandCalls(PutEventsCommand).map((_, i) => sentEntries(i).length)).toEqual([
      10, 10, 5,
    ]);
    expect(publisher.publisherStats).toEqual({ calls: 3, entries: 25, retries: 0 });
  });

  it('splits a batch by request size when entries are about 400 KB each', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => accepted(input.Entries));

    await publisherWith().publish(events(5, 400_000));

    const sizes = eventBridge.commandCalls(PutEventsCommand).map((_, i) => sentEntries(i).length);
    expect(MAX_REQUEST_BYTES).toBe(1024 * 1024);
    expect(sizes).toEqual([2, 2, 1]);
    for (let i = 0; i < sizes.length; i += 1) {
      expect(sentEntries(i).reduce((sum, entry) => sum + entrySize(entry), 0)).toBeLessThanOrEqual(
        MAX_REQUEST_BYTES,
      );
    }
  });

  it('retries exactly the entries that failed in a partial failure', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          { EventId: 'c' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' },
        ],
      })
      .callsFake((input: { Entries: unknown[] }) => accepted(input.Entries));
    const batch = events(4);
    const publisher = publisherWith();

    await publisher.publish(batch);

    expect(sentEntries(1).map((entry) => entry.Detail)).toEqual([
      JSON.stringify(batch[1]?.detail),
      JSON.stringify(batch[3]?.detail),
    ]);
    expect(publisher.publisherStats).toEqual({ calls: 2, entries: 4, retries: 1 });
  });

  it('throws PublishError with counts and codes only once the retry budget is spent', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((_, i) =>
        i === 0
          ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
          : { EventId: `id-${i}` },
      ),
    }));

    const error = await publisherWith(3)
      .publish(events(3))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PublishError);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
    expect(String((error as Error).message)).toContain('ThrottlingException');
    expect(String((error as Error).message)).not.toContain('xxxxxxxx');
  });

  it("does not send a call again itself once the SDK gave up on it (no retries stacked on the SDK's)", async () => {
    const denied = Object.assign(new Error('not authorized for bus'), {
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'req-1' },
    });
    eventBridge.on(PutEventsCommand).rejects(denied);

    const publish = publisherWith().publish(events(2));

    await expect(publish).rejects.toThrow(/AccessDeniedException, HTTP 400, request id req-1/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('sends an event of 300 KB, over the old 256 KB limit, in a request of its own', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => accepted(input.Entries));

    await publisherWith().publish(events(1, 300_000));

    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('refuses an event larger than the request limit without sending anything', async () => {
    const publish = publisherWith().publish(events(1, MAX_REQUEST_BYTES));

    await expect(publish).rejects.toBeInstanceOf(PublishError);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

describe('packEntries', () => {
  it('counts entry size as UTF-8 bytes of source, detail type and detail plus 14 for time', () => {
    const entry = { Source: 'ab', DetailType: 'é', Detail: '{}', Time: new Date(0) };

    expect(entrySize(entry)).toBe(2 + 2 + 2 + 14);
  });

  it('keeps entry order across batches', () => {
    const entries = Array.from({ length: 12 }, (_, i) => ({
      Source: 's',
      DetailType: 'd',
      Detail: String(i),
    }));

    expect(
      packEntries(entries)
        .flat()
        .map((entry) => entry.Detail),
    ).toEqual(entries.map((e) => e.Detail));
  });
});
