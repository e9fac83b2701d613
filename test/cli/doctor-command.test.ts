import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_STREAMS } from '../../shared/streams.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from './cli-process.js';
import { TEST_USER_AGENT } from './simulator-api.js';

const CORE_NAMES = CORE_STREAMS.map((s) => s.name);

describe('cliniko-bridge doctor', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 2, patients: 12, appointments: 8 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('prints a table with one readable row per stream and exits 0 for a good key', async () => {
    const result = await runCli([
      'doctor',
      '--base-url',
      sim.baseUrl,
      '--api-key',
      sim.apiKeys[0] ?? '',
      '--user-agent',
      TEST_USER_AGENT,
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^CHECK +STATUS +DETAIL$/m);
    expect(result.stdout).toMatch(/^authentication +ok /m);
    for (const name of CORE_NAMES)
      expect(result.stdout).toMatch(new RegExp(`^stream ${name} +ok +readable`, 'm'));
    // One request per stream, one for /practitioners/inactive, one for the legacy /patients/deleted.
    expect(result.stdout).toMatch(/^rate limit +ok +13 requests used by this check of 200\/min/m);
    expect(result.stdout).toMatch(
      /^stream patients +ok +readable \(\d+ records\); lifecycle passes on archived_at$/m,
    );
    expect(result.stdout).toMatch(
      /^stream practitioners \/practitioners\/inactive +ok +readable \(\d+ records\)$/m,
    );
    expect(result.stdout).toMatch(/^stream patients \/patients\/deleted +ok +served/m);
    expect(result.stdout).toContain('All checks passed.');
  });

  it('exits 3 and explains the shard when the key is refused, without printing the key', async () => {
    const key = 'notarealkey42-uk1';

    const result = await runCli(['doctor', '--base-url', sim.baseUrl, '--user-agent', TEST_USER_AGENT], {
      CLINIKO_API_KEY: key,
    });

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^authentication +FAIL +.*shard/m);
    expect(result.stdout).toMatch(/^shard \/ base URL +ok +.*shard uk1 from the key's suffix/m);
    expect(result.stdout).toMatch(/^stream patients +skipped/m);
    expect(`${result.stdout}${result.stderr}`).not.toContain(key);
  });

  it('checks only the streams asked for', async () => {
    const result = await runCli([
      'doctor',
      '--base-url',
      sim.baseUrl,
      '--api-key',
      sim.apiKeys[0] ?? '',
      '--user-agent',
      TEST_USER_AGENT,
      '--streams',
      'patients,contacts',
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout.match(/^stream (patients|contacts) /gm)).toHaveLength(3);
    expect(result.stdout.match(/^stream /gm)).toHaveLength(3);
    expect(result.stdout).toMatch(/3 requests used/);
  });

  it('reports a legacy feed that is not served as a capability the account lacks, not a failure', async () => {
    sim.quirks.enable(['no-status-feeds']);
    try {
      const result = await runCli([
        'doctor',
        '--base-url',
        sim.baseUrl,
        '--api-key',
        sim.apiKeys[0] ?? '',
        '--user-agent',
        TEST_USER_AGENT,
        '--streams',
        'patients',
      ]);

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^stream patients \/patients\/deleted +ok +not served \(404\): deletes are found by reconciliation/m,
      );
    } finally {
      sim.quirks.disable(['no-status-feeds']);
    }
  });

  it('exits 2 without a User-Agent, with an example', async () => {
    const result = await runCli(['doctor', '--api-key', 'abc-au1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--user-agent');
  });
});

describe('cliniko-bridge doctor against an account without permission for one stream', () => {
  let server: Server;
  let baseUrl = '';

  beforeAll(async () => {
    // A minimal Cliniko stand-in: every list answers with one page, except invoices which is forbidden.
    server = createServer((req, res) => {
      const resource = new URL(req.url ?? '/', 'http://x').pathname.split('/')[2] ?? '';
      const headers = { 'content-type': 'application/json', date: new Date().toUTCString() };
      if (resource === 'invoices') {
        res.writeHead(403, headers).end('{"message":"Forbidden"}');
        return;
      }
      res
        .writeHead(200, headers)
        .end(JSON.stringify({ [resource]: [], total_entries: 0, links: { self: 'x' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('marks that stream "no permission", still checks the others and exits 1', async () => {
    const result = await runCli([
      'doctor',
      '--base-url',
      baseUrl,
      '--api-key',
      'somekey-au1',
      '--user-agent',
      TEST_USER_AGENT,
      '--streams',
      'patients,invoices,contacts',
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^stream invoices +FAIL +no permission \(403\)/m);
    expect(result.stdout).toMatch(/^stream patients +ok/m);
    expect(result.stdout).toMatch(/^stream contacts +ok/m);
    expect(result.stdout).toContain('1 check failed.');
  });
});
