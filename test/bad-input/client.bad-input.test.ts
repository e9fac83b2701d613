/**
 * Bad input at the Cliniko client: every answer it cannot trust becomes a typed error whose message
 * says what to do, names no body, query value or key, and sends the key nowhere else.
 */
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { TokenBucket } from '../../shared/cliniko/token-bucket.js';
import {
  ClinikoAuthError,
  ClinikoRateLimitedError,
  ClinikoRequestError,
  ConfigError,
  ContractError,
} from '../../shared/errors.js';
import {
  type CraftedCliniko,
  craftedClient,
  list,
  startCraftedCliniko,
  text,
  USER_AGENT,
} from './crafted-cliniko.js';

let cliniko: CraftedCliniko;

beforeEach(async () => {
  cliniko = await startCraftedCliniko();
});
afterEach(async () => {
  await cliniko.close();
});

async function failure(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a failure');
}

describe('the Cliniko client given bad input', () => {
  it('names the shard when a key from another shard gets 401', async () => {
    // The shard's real host is unreachable here, so an undici MockAgent answers for it.
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://api.uk1.cliniko.com')
      .intercept({ path: /\/v1\/patients/, method: 'GET' })
      .reply(401, 'HTTP Basic: Access denied.\n', { headers: { date: new Date().toUTCString() } });
    const client = new ClinikoClient({
      apiKey: 'MS-secret-key-body-uk1',
      userAgent: USER_AGENT,
      dispatcher: agent,
    });

    const error = await failure(() => client.listPage('/patients', 'patients', {}));
    await client.close();
    await agent.close();

    expect(error).toBeInstanceOf(ClinikoAuthError);
    expect(error.message).toContain('shard uk1');
    expect(error.message).toContain('https://api.uk1.cliniko.com/v1');
    expect(error.message).not.toContain('secret-key-body');
  });

  it('refuses to follow a links.next to a foreign host, sending it nothing', async () => {
    const foreign = await startCraftedCliniko();
    cliniko.on(
      '/patients',
      list('patients', [{ id: '1' }], { links: { next: `${foreign.baseUrl}/patients?page=2` } }),
    );
    const client = craftedClient(cliniko.baseUrl);

    const error = await failure(async () => {
      for await (const _page of client.listPages('/patients', 'patients')) {
        // drain
      }
    });
    await client.close();
    await foreign.close();

    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toContain('outside the configured base URL');
    expect(foreign.received).toHaveLength(0);
  });

  it('waits out a 429 that has no X-RateLimit-Reset and then succeeds', async () => {
    let calls = 0;
    cliniko.on('/patients', (res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(429, { 'content-type': 'application/json' });
        res.end('{"message":"Too many requests"}');
        return;
      }
      list('patients', [{ id: '5' }])(res, new URL('http://x'));
    });
    const client = craftedClient(cliniko.baseUrl);

    const page = await client.listPage('/patients', 'patients', {});
    await client.close();

    expect(page.records.map((r) => r.id)).toEqual(['5']);
    expect(client.stats.rateLimited).toBe(1);
  });

  it('gives up on endless 429s with a retryable ClinikoRateLimitedError carrying retryAt', async () => {
    cliniko.on('/patients', (res) => {
      res.writeHead(429, { 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 30) });
      res.end('{}');
    });
    const client = craftedClient(cliniko.baseUrl, { maxRateLimitWaitMs: 1000 });

    const error = await failure(() => client.listPage('/patients', 'patients', {}));
    await client.close();

    expect(error).toBeInstanceOf(ClinikoRateLimitedError);
    expect(error).toMatchObject({ retryable: true });
    expect((error as ClinikoRateLimitedError).retryAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('refuses a 2xx without a Date header, since the watermark needs server time', async () => {
    cliniko.on('/patients', (res) => {
      res.sendDate = false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"patients":[]}');
    });
    const client = craftedClient(cliniko.baseUrl);

    const error = await failure(() => client.listPage('/patients', 'patients', {}));
    await client.close();

    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toContain('Date header');
  });

  it('refuses a response larger than its limit instead of holding it in memory', async () => {
    cliniko.on('/patients', text(200, JSON.stringify({ patients: [{ id: '1', notes: 'y'.repeat(5000) }] })));
    const client = craftedClient(cliniko.baseUrl, { maxResponseBytes: 1024 });

    const error = await failure(() => client.listPage('/patients', 'patients', {}));
    await client.close();

    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toContain('exceeded 1024 bytes');
  });

  it('does not follow a redirect, which would resend the key', async () => {
    cliniko.on('/patients', (res) => {
      res.writeHead(301, { location: 'https://elsewhere.example/v1/patients' });
      res.end();
    });
    const client = craftedClient(cliniko.baseUrl);

    const error = await failure(() => client.listPage('/patients', 'patients', {}));
    await client.close();

    expect(error).toBeInstanceOf(ClinikoRequestError);
    expect(error.message).toContain('never follows');
  });

  it("quotes a 400 only when it is one of Cliniko's fixed messages, never other body text", async () => {
    cliniko.on('/patients', text(400, '{"message":"Unknown filter on Jane Citizen"}'));
    const client = craftedClient(cliniko.baseUrl);

    const error = await failure(() =>
      client.listPage('/patients', 'patients', { filters: ['last_name:=Citizen'] }),
    );
    await client.close();

    expect(error).toBeInstanceOf(ClinikoRequestError);
    expect(error.message).not.toContain('Citizen');
  });

  it.each([
    ['no email', 'My Sync App'],
    ['an email without a domain', 'My Sync App (ops@)'],
    ['an empty string', ''],
  ])('rejects a User-Agent with %s before any request, naming the flag to fix', (_name, userAgent) => {
    const create = () =>
      new ClinikoClient({
        apiKey: 'key',
        userAgent,
        baseUrl: cliniko.baseUrl,
        bucket: new TokenBucket({ ratePerMinute: 100 }),
      });

    expect(create).toThrow(ConfigError);
    expect(create).toThrow(/userAgent|User-Agent/);
    expect(cliniko.received).toHaveLength(0);
  });
});
