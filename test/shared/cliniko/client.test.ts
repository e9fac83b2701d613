import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClinikoClient } from '../../../shared/cliniko/client.js';
import { accountKey } from '../../../shared/cliniko/client-options.js';
import { sharedTokenBuckets } from '../../../shared/cliniko/token-bucket.js';
import { ConfigError } from '../../../shared/errors.js';
import { type FakeCliniko, fakeTime, json, raw, startFakeCliniko, USER_AGENT } from './fake-cliniko.js';

const KEY = 'MS0xLTExMTExMTExMTExMTExMTExMTEx-au2';
const DATE = 'Sun, 29 Nov 2026 10:00:00 GMT';

let server: FakeCliniko;
let client: ClinikoClient;

beforeEach(async () => {
  server = await startFakeCliniko();
  const time = fakeTime();
  client = new ClinikoClient({ apiKey: KEY, userAgent: USER_AGENT, baseUrl: `${server.baseUrl}/`, ...time });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

const page = (records: unknown[], next?: string, total = records.length) =>
  json(
    200,
    { patients: records, total_entries: total, links: { self: 'x', ...(next ? { next } : {}) } },
    { date: DATE },
  );

describe('ClinikoClient requests', () => {
  it('sends Basic auth with the key as username, Accept and User-Agent, and no Content-Type on a GET', async () => {
    server.script(page([]));

    await client.listPage('/patients', 'patients', {});

    const headers = server.received[0]?.headers;
    expect(headers?.authorization).toBe(`Basic ${Buffer.from(`${KEY}:`).toString('base64')}`);
    expect(headers?.accept).toBe('application/json');
    expect(headers?.['user-agent']).toBe(USER_AGENT);
    expect(headers?.['content-type']).toBeUndefined();
  });

  it('encodes per_page 100 by default, sort, page and one q[] per filter', async () => {
    server.script(page([]));

    await client.listPage('patients', 'patients', {
      filters: ['updated_at:>=2026-11-29T10:00:00Z', 'archived_at:*'],
      sort: 'updated_at,id',
      page: 2,
    });

    expect(server.received[0]?.url).toBe(
      '/v1/patients?per_page=100&page=2&sort=updated_at%2Cid' +
        '&q%5B%5D=updated_at%3A%3E%3D2026-11-29T10%3A00%3A00Z&q%5B%5D=archived_at%3A*',
    );
  });

  it('returns records with string ids, total entries, the next link and the server time', async () => {
    const next = `${server.baseUrl}/patients?page=2`;
    server.script(page([{ id: '1', first_name: 'Synthetic' }, { id: 22 }], next, 7));

    const result = await client.listPage('/patients', 'patients', {});

    expect(result.records.map((r) => r.id)).toEqual(['1', '22']);
    expect(result.totalEntries).toBe(7);
    expect(result.nextUrl).toBe(next);
    expect(result.serverTime.toISOString()).toBe('2026-11-29T10:00:00.000Z');
  });

  it('keeps 19-digit numeric ids exact', async () => {
    server.script(
      raw(
        200,
        '{"patients":[{"id":1390726237298631770},{"id":9223372036854775807,"patient_id":9223372036854775806}]}',
        {
          'content-type': 'application/json',
        },
      ),
    );

    const result = await client.listPage('/patients', 'patients', {});

    expect(result.records).toEqual([
      { id: '1390726237298631770' },
      { id: '9223372036854775807', patient_id: '9223372036854775806' },
    ]);
  });

  it('follows links.next through every page', async () => {
    server.script(
      page([{ id: '1' }], `${server.baseUrl}/patients?page=2&per_page=100`),
      page([{ id: '2' }], `${server.baseUrl}/patients?page=3&per_page=100`),
      page([{ id: '3' }]),
    );

    const ids: string[] = [];
    for await (const p of client.listPages('/patients', 'patients', {}))
      ids.push(...p.records.map((r) => r.id));

    expect(ids).toEqual(['1', '2', '3']);
    expect(server.received.map((r) => r.url)).toEqual([
      '/v1/patients?per_page=100',
      '/v1/patients?page=2&per_page=100',
      '/v1/patients?page=3&per_page=100',
    ]);
  });

  it('gets a single record and its server time', async () => {
    server.script(json(200, { id: 9, last_name: 'Synthetic' }, { date: DATE }));

    const result = await client.get('/patients/9', ['archived_at:*']);

    expect(result.record).toEqual({ id: '9', last_name: 'Synthetic' });
    expect(result.serverTime.getTime()).toBe(Date.parse(DATE));
    expect(server.received[0]?.url).toBe('/v1/patients/9?q%5B%5D=archived_at%3A*');
  });

  it('sends a JSON body with Content-Type on writes and reads 201 and 204 answers', async () => {
    server.script(json(201, { id: 5, first_name: 'Synthetic' }), raw(204, ''));

    const created = await client.send('POST', '/patients', { first_name: 'Synthetic' });
    const archived = await client.send('POST', '/patients/5/archive');

    expect(created).toMatchObject({ status: 201, body: { id: '5', first_name: 'Synthetic' } });
    expect(archived).toMatchObject({ status: 204, body: undefined });
    expect(server.received[0]?.headers['content-type']).toBe('application/json');
    expect(server.received[0]?.body).toBe('{"first_name":"Synthetic"}');
    expect(server.received[1]?.headers['content-type']).toBeUndefined();
  });

  it('counts requests and received bytes', async () => {
    const body = JSON.stringify({ patients: [{ id: '1' }] });
    server.script(raw(200, body, { 'content-type': 'application/json' }));

    await client.listPage('/patients', 'patients', {});

    expect(client.stats).toEqual({
      requests: 1,
      retries: 0,
      rateLimited: 0,
      bytesReceived: body.length,
      clockSkewRejected: 0,
    });
  });

  it('refuses a path that carries its own query', async () => {
    await expect(client.listPage('/patients?q=x', 'patients', {})).rejects.toThrow(ConfigError);
  });
});

describe('ClinikoClient configuration', () => {
  it('derives the base URL from the key shard unless one is given (trailing slash stripped)', async () => {
    const derived = new ClinikoClient({ apiKey: 'abc-UK1', userAgent: USER_AGENT });
    await derived.close();

    expect(derived.baseUrl).toBe('https://api.uk1.cliniko.com/v1');
    expect(client.baseUrl).toBe(server.baseUrl);
  });

  it('rejects an empty API key and an invalid User-Agent at creation', () => {
    expect(() => new ClinikoClient({ apiKey: ' ', userAgent: USER_AGENT })).toThrow(/apiKey/);
    expect(() => new ClinikoClient({ apiKey: KEY, userAgent: 'curl/8' })).toThrow(/userAgent.*--user-agent/);
  });

  it('shares one rate bucket between clients of the same account', async () => {
    const account = `shared-${Date.now()}`;
    const options = {
      apiKey: KEY,
      userAgent: USER_AGENT,
      baseUrl: server.baseUrl,
      account,
      ratePerMinute: 60,
      // The scripted answers are dated at the fake clock's start.
      now: fakeTime().now,
    };
    const first = new ClinikoClient(options);
    const second = new ClinikoClient(options);
    server.script(page([]));

    await first.listPage('/patients', 'patients', {});
    await second.listPage('/patients', 'patients', {});
    await Promise.all([first.close(), second.close()]);

    expect(sharedTokenBuckets.bucketFor(account).available()).toBeLessThan(8.5);
  });

  it('keys the default account by a hash that does not contain the API key', () => {
    const key = accountKey(KEY, 'https://api.au2.cliniko.com/v1');

    expect(key).not.toContain(KEY);
    expect(key).toBe(accountKey(KEY, 'https://api.au2.cliniko.com/v1'));
    expect(key).not.toBe(accountKey(`${KEY}x`, 'https://api.au2.cliniko.com/v1'));
  });
});
