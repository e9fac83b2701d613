import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClinikoClient } from '../../../shared/cliniko/client.js';
import type { ClinikoClientOptions } from '../../../shared/cliniko/client-options.js';
import { TokenBucket } from '../../../shared/cliniko/token-bucket.js';
import {
  ClinikoAuthError,
  ClinikoClockSkewError,
  ClinikoForbiddenError,
  ClinikoRateLimitedError,
  ClinikoRequestError,
  ClinikoUnavailableError,
  ClinikoValidationError,
  RunDeadlineError,
} from '../../../shared/errors.js';
import {
  type FakeCliniko,
  fakeTime,
  json,
  type Responder,
  raw,
  startFakeCliniko,
  USER_AGENT,
} from './fake-cliniko.js';

const SECRET_KEY = 'SENTINELKEY0123456789-au3';
const SENTINEL_VALUE = 'Zebedee-Sentinel';

let server: FakeCliniko;
let time: ReturnType<typeof fakeTime>;
const clients: ClinikoClient[] = [];

function makeClient(extra: Partial<ClinikoClientOptions> = {}): ClinikoClient {
  const client = new ClinikoClient({
    apiKey: SECRET_KEY,
    userAgent: USER_AGENT,
    baseUrl: server.baseUrl,
    random: () => 0.5,
    ...time,
    ...extra,
  });
  clients.push(client);
  return client;
}

beforeEach(async () => {
  server = await startFakeCliniko();
  time = fakeTime();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

const ok = json(200, { patients: [{ id: '1' }] });
/** `ok`, dated now: for tests on the real clock. */
const answeredNow: Responder = (res, req, index) =>
  json(200, { patients: [{ id: '1' }] }, { date: new Date().toUTCString() })(res, req, index);
const list = (client: ClinikoClient) =>
  client.listPage('/patients', 'patients', { filters: [`last_name:=${SENTINEL_VALUE}`] });

describe('ClinikoClient maps client errors to typed errors without retrying', () => {
  it('names the shard, the other-shard cause and the fix on 401', async () => {
    server.script(raw(401, 'HTTP Basic: Access denied.', { 'x-request-id': 'req-401' }));

    const error = await failure(list(makeClient()));

    expect(error).toBeInstanceOf(ClinikoAuthError);
    expect(error.message).toContain(server.baseUrl);
    expect(error.message).toMatch(/another shard also gets 401/);
    expect(error.message).toMatch(/--base-url/);
    expect(error.message).toContain('request id req-401');
    expect(server.received).toHaveLength(1);
  });

  it('names the resource path and the likely causes on 403', async () => {
    server.script(raw(403, ''));

    const error = await failure(list(makeClient()));

    expect(error).toBeInstanceOf(ClinikoForbiddenError);
    expect(error.message).toContain('/v1/patients');
    expect(error.message).toMatch(/lacks permission/);
    expect(error.message).toMatch(/User-Agent/);
    expect(server.received).toHaveLength(1);
  });

  it('reports the field names but not the values of a 422', async () => {
    server.script(
      json(422, {
        message: 'Validation Failed',
        errors: { first_name: `${SENTINEL_VALUE} is bad`, base: 'x' },
      }),
    );

    const error = await failure(makeClient().send('POST', '/patients', { first_name: SENTINEL_VALUE }));

    expect(error).toBeInstanceOf(ClinikoValidationError);
    expect((error as ClinikoValidationError).fields).toEqual(['first_name', 'base']);
    expect(error.message).toContain('first_name, base');
    expect(server.received).toHaveLength(1);
  });

  it('repeats a known fixed Cliniko message on 400', async () => {
    server.script(json(400, { message: 'This column is not searchable.' }));

    const error = await failure(list(makeClient()));

    expect(error).toBeInstanceOf(ClinikoRequestError);
    expect(error.message).toContain('"This column is not searchable."');
    expect(server.received).toHaveLength(1);
  });

  it('never echoes an unknown 400 body', async () => {
    server.script(json(400, { message: `No patient called ${SENTINEL_VALUE}` }));

    const error = await failure(list(makeClient()));

    expect(error).toBeInstanceOf(ClinikoRequestError);
    expect(error.message).not.toContain(SENTINEL_VALUE);
  });
});

describe('ClinikoClient retries transient failures', () => {
  it('retries a 500 and then succeeds', async () => {
    server.script(raw(500, 'boom'), ok);
    const client = makeClient();

    const page = await list(client);

    expect(page.records).toHaveLength(1);
    expect(server.received).toHaveLength(2);
    expect(client.stats).toMatchObject({ requests: 2, retries: 1 });
    expect(time.state.slept).toEqual([100]);
  });

  it('gives up with ClinikoUnavailableError after the attempt budget', async () => {
    server.script(raw(502, 'bad gateway'));

    const error = await failure(list(makeClient({ maxAttempts: 3 })));

    expect(error).toBeInstanceOf(ClinikoUnavailableError);
    expect(error.message).toMatch(/after 3 attempts/);
    expect(server.received).toHaveLength(3);
  });

  it('does not retry a write that failed with 500, but does retry one that got 503', async () => {
    server.script(raw(500, ''), raw(503, ''), json(201, { id: '7' }));
    const client = makeClient();

    const first = await failure(client.send('POST', '/patients', {}));
    const second = await client.send('POST', '/patients', {});

    expect(first).toBeInstanceOf(ClinikoUnavailableError);
    expect(first.message).toMatch(/may have been applied/);
    expect(second.status).toBe(201);
    expect(server.received).toHaveLength(3);
  });

  it('retries a GET whose connection dropped mid-response', async () => {
    server.script((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
      res.write('{"patients":[{"id":"1"');
      setTimeout(() => res.socket?.destroy(), 20);
    }, ok);

    const page = await list(makeClient());

    expect(page.records.map((r) => r.id)).toEqual(['1']);
    expect(server.received).toHaveLength(2);
  });

  it('does not retry a write whose connection dropped after it was sent', async () => {
    server.script(
      (res) => {
        res.socket?.destroy();
      },
      json(201, { id: '8' }),
    );

    const error = await failure(makeClient().send('POST', '/patients', {}));

    expect(error).toBeInstanceOf(ClinikoUnavailableError);
    expect(error.message).toMatch(/may have been applied/);
    expect(server.received).toHaveLength(1);
  });

  it('retries a GET whose response headers timed out', async () => {
    server.script((res) => {
      // Answers far too late; the client has given up on this attempt by then.
      setTimeout(() => res.destroyed || res.end(), 1_000).unref();
    }, ok);

    const page = await list(makeClient({ headersTimeoutMs: 100 }));

    expect(page.records).toHaveLength(1);
    expect(server.received).toHaveLength(2);
  });
});

describe('ClinikoClient waits out rate limits', () => {
  it('waits until X-RateLimit-Reset and retries', async () => {
    const reset = Math.floor(time.state.now / 1000) + 7;
    server.script(raw(429, '', { 'x-ratelimit-reset': String(reset) }), ok);
    const client = makeClient();

    await list(client);

    expect(time.state.now).toBeGreaterThanOrEqual(reset * 1000);
    expect(client.stats).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it('backs off exponentially when the reset header is missing', async () => {
    server.script(raw(429, ''), raw(429, ''), ok);
    const client = makeClient();
    const start = time.state.now;

    await list(client);

    expect(time.state.now - start).toBeGreaterThanOrEqual(750 + 1_500);
    expect(client.stats.rateLimited).toBe(2);
  });

  it('throws ClinikoRateLimitedError with retryAt when the wait would exceed the bound', async () => {
    const reset = Math.floor(time.state.now / 1000) + 120;
    server.script(raw(429, '', { 'x-ratelimit-reset': String(reset) }));

    const error = await failure(list(makeClient({ maxRateLimitWaitMs: 65_000 })));

    expect(error).toBeInstanceOf(ClinikoRateLimitedError);
    expect((error as ClinikoRateLimitedError).retryAt.getTime()).toBe(reset * 1000);
    expect(server.received).toHaveLength(1);
  });
});

describe('ClinikoClient within a deadline', () => {
  it('does not wait out a 429 whose reset comes after the deadline: it stops at once with retryAt', async () => {
    const reset = Math.floor(time.state.now / 1000) + 40;
    server.script(raw(429, '', { 'x-ratelimit-reset': String(reset) }), ok);
    const client = makeClient();

    const error = await failure(
      client.listPage('/patients', 'patients', { deadline: time.state.now + 10_000 }),
    );

    expect(error).toBeInstanceOf(ClinikoRateLimitedError);
    expect((error as ClinikoRateLimitedError).retryAt.getTime()).toBe(reset * 1000);
    expect(time.state.slept).toEqual([]);
    expect(server.received).toHaveLength(1);
  });

  it('does not wait for the rate budget past the deadline, and takes no token', async () => {
    server.script(ok);
    const client = makeClient({ bucket: new TokenBucket({ ratePerMinute: 60, capacity: 1, ...time }) });
    await list(client);

    const error = await failure(client.listPage('/patients', 'patients', { deadline: time.state.now + 500 }));

    expect(error).toBeInstanceOf(RunDeadlineError);
    expect(server.received).toHaveLength(1);
  });

  it('abandons a response that trickles in past the deadline', async () => {
    const realTime = { now: Date.now, sleep: time.sleep };
    server.script((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"patients":[');
      const drip = setInterval(() => res.destroyed || res.write(' '), 20);
      res.on('close', () => clearInterval(drip));
    });
    const client = makeClient({ ...realTime, bucket: new TokenBucket({ ...realTime }) });

    const error = await failure(client.listPage('/patients', 'patients', { deadline: Date.now() + 300 }));

    expect(error).toBeInstanceOf(RunDeadlineError);
  });

  it('gives a trickling response a total limit even without a deadline, then retries it', async () => {
    const realTime = { now: Date.now, sleep: time.sleep };
    server.script((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"patients":[');
      const drip = setInterval(() => res.destroyed || res.write(' '), 20);
      res.on('close', () => clearInterval(drip));
    }, answeredNow);
    const client = makeClient({
      ...realTime,
      bucket: new TokenBucket({ ...realTime }),
      requestTimeoutMs: 300,
    });

    const page = await list(client);

    expect(page.records).toHaveLength(1);
    expect(server.received).toHaveLength(2);
  });

  it('refuses an answer whose Date is far from the local clock, and counts it', async () => {
    server.script(json(200, { patients: [] }, { date: new Date(time.state.now + 3_600_000).toUTCString() }));
    const client = makeClient();

    const error = await failure(list(client));

    expect(error).toBeInstanceOf(ClinikoClockSkewError);
    expect(error.message).toMatch(/3600 s ahead/);
    expect(client.stats.clockSkewRejected).toBe(1);
  });
});

describe('ClinikoClient error messages', () => {
  it('never contain the API key, query values or body text', async () => {
    const body = { message: SENTINEL_VALUE, errors: { [SENTINEL_VALUE]: SENTINEL_VALUE } };
    const statuses = [400, 401, 403, 404, 409, 422, 500];
    server.script(...statuses.map((status) => json(status, body)));
    const client = makeClient({ maxAttempts: 1 });

    const errors = [];
    for (const _ of statuses) errors.push(await failure(list(client)));

    expect(errors).toHaveLength(statuses.length);
    for (const error of errors) {
      const text = `${String(error)} ${JSON.stringify(error)} ${error.stack ?? ''}`;
      expect(text).not.toContain(SENTINEL_VALUE);
      expect(text).not.toContain('SENTINELKEY');
      expect(text).not.toContain('last_name');
    }
  });
});
