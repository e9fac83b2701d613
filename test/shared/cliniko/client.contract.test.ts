import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClinikoClient } from '../../../shared/cliniko/client.js';
import { ClinikoNotFoundError, ContractError } from '../../../shared/errors.js';
import {
  type FakeCliniko,
  fakeTime,
  json,
  type Responder,
  raw,
  startFakeCliniko,
  USER_AGENT,
} from './fake-cliniko.js';

let server: FakeCliniko;
let client: ClinikoClient;

beforeEach(async () => {
  server = await startFakeCliniko();
  client = new ClinikoClient({
    apiKey: 'key-au1',
    userAgent: USER_AGENT,
    baseUrl: server.baseUrl,
    ...fakeTime(),
  });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

const HTML = '<!DOCTYPE html><html><body>Synthetic Patient Page</body></html>';
const JSON_TYPE = { 'content-type': 'application/json' };

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('ClinikoClient refuses answers that break the contract', () => {
  it.each<[string, Responder]>([
    ['an HTML 200 page', raw(200, HTML, { 'content-type': 'text/html' })],
    ['HTML labelled as JSON', raw(200, HTML, JSON_TYPE)],
    ['truncated JSON', raw(200, '{"patients":[{"id":"1","first_name":"Synthe', JSON_TYPE)],
    ['a non-JSON body', raw(200, 'OK', { 'content-type': 'text/plain' })],
    ['an empty body', raw(200, '', JSON_TYPE)],
    ['a top-level array', json(200, [{ id: '1' }])],
    ['a missing array key', json(200, { total_entries: 0 })],
    ['an array key that is not an array', json(200, { patients: { id: '1' } })],
    ['a record that is not an object', json(200, { patients: ['1'] })],
    ['a record without an id', json(200, { patients: [{ first_name: 'Synthetic' }] })],
    ['links that are not an object', json(200, { patients: [], links: 'next' })],
  ])('throws ContractError for %s without echoing the body', async (_, responder) => {
    server.script(responder);

    const error = await failure(client.listPage('/patients', 'patients', {}));

    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toContain('GET /v1/patients');
    expect(error.message).not.toContain('Synthe');
    expect(server.received).toHaveLength(1);
  });

  it('takes the id of a minimal /deleted item from its links.self', async () => {
    const self = `${server.baseUrl}/patients/1390726237298631770`;
    server.script(json(200, { patients: [{ deleted_at: '2026-11-29T10:00:00Z', links: { self } }] }));

    const page = await client.listPage('/patients/deleted', 'patients', {});

    expect(page.records).toEqual([
      { id: '1390726237298631770', deleted_at: '2026-11-29T10:00:00Z', links: { self } },
    ]);
  });

  it('throws ContractError for an item whose links.self does not end in an id', async () => {
    server.script(json(200, { patients: [{ links: { self: `${server.baseUrl}/patients/abc` } }] }));

    await expect(client.listPage('/patients/deleted', 'patients', {})).rejects.toBeInstanceOf(ContractError);
  });

  it('throws ContractError when the Date header is missing', async () => {
    server.script((res) => {
      res.sendDate = false;
      res.writeHead(200, JSON_TYPE);
      res.end('{"patients":[]}');
    });

    const error = await failure(client.listPage('/patients', 'patients', {}));

    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toMatch(/no Date header/);
  });

  it('throws ContractError when the Date header is not a date', async () => {
    server.script(json(200, { patients: [] }, { date: 'yesterday' }));

    await expect(client.listPage('/patients', 'patients', {})).rejects.toThrow(/invalid Date header/);
  });

  it('refuses a response larger than maxResponseBytes', async () => {
    const small = new ClinikoClient({
      apiKey: 'key-au1',
      userAgent: USER_AGENT,
      baseUrl: server.baseUrl,
      maxResponseBytes: 64,
    });
    server.script(json(200, { patients: Array.from({ length: 20 }, (_, i) => ({ id: String(i) })) }));

    const error = await failure(small.listPage('/patients', 'patients', {}));
    await small.close();

    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toMatch(/exceeded 64 bytes/);
  });

  it('maps an HTML 404 page to ClinikoNotFoundError without echoing it', async () => {
    server.script(raw(404, HTML, { 'content-type': 'text/html' }));

    const error = await failure(client.get('/patients/1'));

    expect(error).toBeInstanceOf(ClinikoNotFoundError);
    expect(error.message).not.toContain('Synthetic');
  });
});

describe('ClinikoClient guards links.next', () => {
  it('refuses a next link on another origin and never contacts it', async () => {
    const foreign = await startFakeCliniko();
    server.script(
      json(200, { patients: [{ id: '1' }], links: { next: `${foreign.baseUrl}/patients?page=2` } }),
    );
    const pages: number[] = [];

    const error = await failure(
      (async () => {
        for await (const p of client.listPages('/patients', 'patients', {})) pages.push(p.records.length);
      })(),
    );
    await foreign.close();

    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toMatch(/outside the configured base URL/);
    expect(pages).toEqual([1]);
    expect(foreign.received).toHaveLength(0);
  });

  it.each([
    ['outside the base path', (base: string) => `${base.replace('/v1', '')}/admin/export?page=2`],
    ['climbing out of it', (base: string) => `${base}/../admin?page=2`],
    ['with credentials', (base: string) => base.replace('http://', 'http://user:pw@')],
    ['that is not absolute', () => '/v1/patients?page=2'],
  ])('refuses a next link %s', async (_, next) => {
    server.script(json(200, { patients: [], links: { next: next(server.baseUrl) } }));

    const pages = client.listPages('/patients', 'patients', {});

    await pages.next();
    const error = await failure(pages.next());

    expect(error).toBeInstanceOf(ContractError);
    expect(server.received).toHaveLength(1);
  });

  it('stops with ContractError when next points back to the same page', async () => {
    const pages = client.listPages('/patients', 'patients', {});
    server.script(
      json(200, { patients: [{ id: '1' }], links: { next: `${server.baseUrl}/patients?per_page=100` } }),
    );

    await pages.next();
    const error = await failure(pages.next());

    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toMatch(/already read/);
    expect(server.received).toHaveLength(1);
  });
});
