import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, PublishError } from '../../../shared/errors.js';
import { checkWebhookHost } from '../../../shared/sinks/webhook-destination.js';
import { parseRetryAfter, WebhookRejectedError, WebhookSink } from '../../../shared/sinks/webhook-sink.js';
import { SENTINEL, sampleEvent, sampleEvents } from './sample-events.js';
import { type Receiver, type Reply, startReceiver } from './webhook-receiver.js';

const SECRET = `whsec_${Buffer.alloc(32, 42).toString('base64')}`;
const NOW = Date.UTC(2026, 10, 29, 10, 15, 31, 204);

let receiver: Receiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function setUp(
  plan: readonly Reply[] = [],
  fallback?: Reply,
  options: { maxAttempts?: number; timeoutMs?: number } = {},
) {
  const started = await startReceiver(SECRET, plan, fallback);
  receiver = started;
  const sleeps: number[] = [];
  let clock = NOW;
  const sink = new WebhookSink({
    url: started.url,
    secret: SECRET,
    baseDelayMs: 100,
    maxDelayMs: 250,
    timeoutMs: 5000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => {
      clock += 1000;
      return clock;
    },
    ...options,
  });
  return { receiver: started, sink, sleeps };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('WebhookSink', () => {
  it('posts each event as its envelope JSON with a Standard Webhooks signature the receiver verifies', async () => {
    const { receiver, sink } = await setUp();
    const events = sampleEvents(2);

    await sink.publish(events);

    expect(receiver.requests).toHaveLength(2);
    for (const [index, request] of receiver.requests.entries()) {
      expect(request.method).toBe('POST');
      expect(request.signatureValid).toBe(true);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['webhook-id']).toBe(events[index]?.detail.eventId);
      expect(request.headers['webhook-timestamp']).toMatch(/^\d+$/);
      expect(Math.abs(Number(request.headers['webhook-timestamp']) - NOW / 1000)).toBeLessThan(60);
    }
    expect(receiver.accepted()).toEqual(events);
  });

  it('delivers every event exactly once and in order through a 503, a 429 and a reset connection', async () => {
    const { receiver, sink, sleeps } = await setUp([
      { status: 503 },
      { status: 429, headers: { 'retry-after': '0' } },
      'reset',
    ]);
    const events = sampleEvents(3);

    await sink.publish(events);

    expect(receiver.accepted()).toEqual(events);
    expect(receiver.requests.map((request) => request.headers['webhook-id'])).toEqual([
      'evt-0',
      'evt-0',
      'evt-0',
      'evt-0',
      'evt-1',
      'evt-2',
    ]);
    expect(receiver.requests.every((request) => request.signatureValid)).toBe(true);
    // Full-jitter backoff (random 0.5) after the 503, Retry-After 0 after the 429, capped backoff after the reset.
    expect(sleeps).toEqual([50, 0, 125]);
  });

  it('signs every attempt with its own timestamp so a late retry is not rejected as stale', async () => {
    const { receiver, sink } = await setUp([{ status: 500 }]);

    await sink.publish([sampleEvent()]);

    const [first, second] = receiver.requests.map((request) => request.headers['webhook-timestamp']);
    expect(first).not.toBe(second);
    expect(receiver.requests.every((request) => request.signatureValid)).toBe(true);
  });

  it.each([408, 409, 425, 500, 502, 504])('retries an HTTP %i', async (status) => {
    const { receiver, sink } = await setUp([{ status }]);

    await sink.publish([sampleEvent()]);

    expect(receiver.requests).toHaveLength(2);
    expect(receiver.accepted()).toHaveLength(1);
  });

  it('honours a Retry-After given in seconds', async () => {
    const { sink, sleeps } = await setUp([{ status: 429, headers: { 'retry-after': '2' } }]);

    await sink.publish([sampleEvent()]);

    expect(sleeps).toEqual([2000]);
  });

  it('retries a request that gets no answer within the timeout', async () => {
    const { receiver, sink } = await setUp(['hang'], undefined, { timeoutMs: 200 });

    await sink.publish([sampleEvent()]);

    expect(receiver.requests).toHaveLength(2);
    expect(receiver.accepted()).toEqual([sampleEvent()]);
  });

  it('fails at once on a 400 without retrying or sending later events', async () => {
    const { receiver, sink, sleeps } = await setUp([], { status: 400 });

    const error = await failure(sink.publish(sampleEvents(3)));

    expect(error).toBeInstanceOf(WebhookRejectedError);
    expect(error).toMatchObject({ status: 400, eventId: 'evt-0', retryable: false });
    expect(String(error)).toMatch(/rejected event evt-0 with HTTP 400/);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.accepted()).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it('does not follow a redirect, which would turn the POST into a GET', async () => {
    const { receiver, sink } = await setUp([], { status: 302, headers: { location: '/elsewhere' } });

    const error = await failure(sink.publish([sampleEvent()]));

    expect(error).toBeInstanceOf(WebhookRejectedError);
    expect(String(error)).toMatch(/configure the final URL/);
    expect(receiver.requests).toHaveLength(1);
  });

  it('throws PublishError once the attempt budget is spent, with capped backoff in between', async () => {
    const { receiver, sink, sleeps } = await setUp([], { status: 503 }, { maxAttempts: 5 });

    const error = await failure(sink.publish(sampleEvents(2)));

    expect(error).toBeInstanceOf(PublishError);
    expect(String(error)).toMatch(/did not accept event evt-0 after 5 attempts \(last: HTTP 503\)/);
    expect(receiver.requests).toHaveLength(5);
    expect(sleeps).toEqual([50, 100, 125, 125]);
  });

  it('keeps the body and the secret out of error messages', async () => {
    const { sink } = await setUp([], { status: 503 }, { maxAttempts: 2 });

    const error = await failure(sink.publish([sampleEvent()]));

    expect(error).toBeInstanceOf(PublishError);
    expect(String(error)).not.toContain(SENTINEL);
    expect(String(error)).not.toContain(SECRET.slice(6, 20));
  });

  it('gives up on a Retry-After longer than it is willing to wait, leaving the event to the next run', async () => {
    const { receiver, sink, sleeps } = await setUp([], { status: 429, headers: { 'retry-after': '3600' } });

    const error = await failure(sink.publish([sampleEvent()]));

    expect(error).toBeInstanceOf(PublishError);
    expect(String(error)).toMatch(/asked to retry event .* after 3600 s/);
    expect(receiver.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe('WebhookSink destination checks', () => {
  it('refuses plain http to another host when constructed', () => {
    expect(() => new WebhookSink({ url: 'http://hooks.example.test/x', secret: SECRET })).toThrow(
      ConfigError,
    );
    expect(() => new WebhookSink({ url: 'http://hooks.example.test/x', secret: SECRET })).toThrow(
      /must use https/,
    );
  });

  it('connects to the address its resolver gives for a host name', async () => {
    const started = await startReceiver(SECRET);
    receiver = started;
    const asked: string[] = [];
    const sink = new WebhookSink({
      url: `http://localhost:${new URL(started.url).port}/hooks/cliniko`,
      secret: SECRET,
      resolve: async (hostname) => {
        asked.push(hostname);
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });

    await sink.publish([sampleEvent()]);
    await sink.close();

    expect(asked).toEqual(['localhost']);
    expect(started.accepted()).toEqual([sampleEvent()]);
  });

  it('refuses at connect time a host name that resolved to loopback at start-up and now to a metadata address (DNS rebinding)', async () => {
    const started = await startReceiver(SECRET);
    receiver = started;
    const url = `http://localhost:${new URL(started.url).port}/hooks/cliniko?token=TOPSECRET`;
    const answers = ['127.0.0.1', '169.254.169.254'];
    const asked: string[] = [];
    const resolve = async (hostname: string) => {
      asked.push(hostname);
      return [{ address: answers[Math.min(asked.length, answers.length) - 1] ?? '', family: 4 }];
    };
    const sleeps: number[] = [];
    const sink = new WebhookSink({
      url,
      secret: SECRET,
      resolve,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    await checkWebhookHost(new URL(url), resolve);

    const error = await failure(sink.publish([sampleEvent()]));
    await sink.close();

    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(
      /--sink: webhook host localhost resolves to 169\.254\.169\.254, which is a cloud metadata endpoint/,
    );
    expect(String(error)).not.toMatch(/TOPSECRET|hooks\/cliniko/);
    expect(asked).toEqual(['localhost', 'localhost']);
    expect(sleeps).toEqual([]);
    expect(started.requests).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and ignores nonsense', () => {
    const now = Date.UTC(2026, 10, 29, 10, 15, 0);

    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(parseRetryAfter(new Date(now - 3000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
