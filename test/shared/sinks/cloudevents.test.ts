/**
 * CloudEvents 1.0 conformance of `--format cloudevents`, checked with the official CloudEvents
 * JavaScript SDK: the ndjson lines parse as valid structured events, and the webhook POST is a valid
 * structured-mode HTTP message (application/cloudevents+json) for `HTTP.toEvent`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CloudEvent, type CloudEventV1, HTTP } from 'cloudevents';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEventFormat, toCloudEvent } from '../../../shared/sinks/event-format.js';
import { toEnvelope } from '../../../shared/sinks/event-json.js';
import { NdjsonSink } from '../../../shared/sinks/ndjson-sink.js';
import { NdjsonStreamSink } from '../../../shared/sinks/ndjson-stream-sink.js';
import { WebhookSink } from '../../../shared/sinks/webhook-sink.js';
import { sampleEvent, sampleEvents } from './sample-events.js';
import { startReceiver } from './webhook-receiver.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** The attributes every CloudEvent of `event` must carry. */
function expectAttributesOf(cloudEvent: CloudEventV1<unknown>, event: ReturnType<typeof sampleEvent>): void {
  expect(cloudEvent.specversion).toBe('1.0');
  expect(cloudEvent.id).toBe(event.detail.eventId);
  expect(cloudEvent.source).toBe(`cliniko/${event.detail.account}`);
  expect(cloudEvent.type).toBe(event['detail-type']);
  expect(cloudEvent.subject).toBe(`${event.detail.resource}/${event.detail.recordId}`);
  // When the occurrence happened (CloudEvents 1.0): the record's change, not when the bridge saw it.
  expect(Date.parse(cloudEvent.time ?? '')).toBe(Date.parse(event.detail.occurredAt));
  expect(cloudEvent.datacontenttype).toBe('application/json');
  expect(cloudEvent.data).toEqual(toEnvelope(event).detail);
}

describe('--format cloudevents', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cloudevents-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('maps an event to a structured CloudEvent that the SDK validates', () => {
    const event = sampleEvent();

    const structured = toCloudEvent(event);
    const cloudEvent = new CloudEvent(structured);

    expect(cloudEvent.validate()).toBe(true);
    expectAttributesOf(cloudEvent, event);
    // Exactly the CloudEvents attributes and data: nothing of the EventBridge envelope besides.
    expect(Object.keys(structured)).toEqual([
      'specversion',
      'id',
      'source',
      'type',
      'subject',
      'time',
      'datacontenttype',
      'data',
    ]);
  });

  it('ndjson:PATH writes one valid CloudEvent per line', async () => {
    const path = join(dir, 'events.ndjson');
    const events = sampleEvents(3);

    await new NdjsonSink({ path, format: 'cloudevents' }).publish(events);

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, index) => {
      const cloudEvent = new CloudEvent(JSON.parse(line) as Record<string, unknown>);
      expect(cloudEvent.validate()).toBe(true);
      expectAttributesOf(cloudEvent, events[index] ?? sampleEvent());
    });
  });

  it('ndjson:- writes one valid CloudEvent per line', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const events = sampleEvents(2);

    await new NdjsonStreamSink({ stream, format: 'cloudevents' }).publish(events);

    const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
    expect(lines.map((line) => new CloudEvent(JSON.parse(line) as Record<string, unknown>).id)).toEqual(
      events.map((event) => event.detail.eventId),
    );
  });

  it('the webhook POSTs a structured-mode HTTP CloudEvent, still signed', async () => {
    const receiver = await startReceiver(SECRET);
    const sink = new WebhookSink({ url: receiver.url, secret: SECRET, format: 'cloudevents' });
    const event = sampleEvent({ action: 'created', fields: null });
    try {
      await sink.publish([event]);
    } finally {
      await sink.close();
      await receiver.close();
    }

    const [request] = receiver.requests;
    expect(request?.headers['content-type']).toMatch(/^application\/cloudevents\+json\b/);
    expect(request?.signatureValid).toBe(true);
    expect(request?.headers['webhook-id']).toBe(event.detail.eventId);
    const received = HTTP.toEvent({
      headers: request?.headers ?? {},
      body: request?.body ?? '',
    });
    const cloudEvent: CloudEventV1<unknown> | undefined = Array.isArray(received) ? received[0] : received;
    if (cloudEvent === undefined) throw new Error('no CloudEvent in the request');
    // Strict construction validates every attribute against the 1.0 spec (throws a ValidationError).
    expect(new CloudEvent<unknown>(cloudEvent).validate()).toBe(true);
    expectAttributesOf(cloudEvent, event);
  });

  it('the default format keeps the EventBridge envelope', async () => {
    const path = join(dir, 'default.ndjson');
    const [event] = sampleEvents(1);

    await new NdjsonSink({ path }).publish(event === undefined ? [] : [event]);

    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(event);
  });

  it('parses the flag values and refuses others naming --format', () => {
    expect(parseEventFormat('cloudevents')).toBe('cloudevents');
    expect(parseEventFormat('eventbridge')).toBe('eventbridge');
    expect(() => parseEventFormat('cloudevent')).toThrow(/^--format: expected eventbridge or cloudevents/);
  });
});
