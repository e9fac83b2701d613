import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from './cli-process.js';
import { type SimulatorAccess, streamIds, TEST_USER_AGENT } from './simulator-api.js';

interface Delivery {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
}

/** Verifies a Standard Webhooks signature from scratch, independently of the bridge's code. */
function signatureValid(key: Buffer, delivery: Delivery): boolean {
  const expected = createHmac('sha256', key)
    .update(`${delivery.id}.${delivery.timestamp}.${delivery.body}`)
    .digest();
  return delivery.signature.split(' ').some((candidate) => {
    const [version, mac] = candidate.split(',');
    const given = Buffer.from(mac ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe('cliniko-bridge run --sink webhook:URL', () => {
  let sim: RunningSimulator;
  let access: SimulatorAccess;
  let receiver: Server;
  let receiverUrl = '';
  let dir = '';
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, patients: 10, appointments: 10 });
    access = { baseUrl: sim.baseUrl, origin: sim.origin, apiKey: sim.apiKeys[0] ?? '' };
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        deliveries.push({
          id: String(req.headers['webhook-id']),
          timestamp: String(req.headers['webhook-timestamp']),
          signature: String(req.headers['webhook-signature']),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    dir = await mkdtemp(join(tmpdir(), 'run-webhook-'));
  });
  afterAll(async () => {
    await sim.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('POSTs one signed event per record, verifiable with the shared secret', async () => {
    const key = randomBytes(32);
    const secret = `whsec_${key.toString('base64')}`;

    const result = await runCli(
      [
        'run',
        '--once',
        '--streams',
        'practitioners,businesses',
        '--start-from',
        'beginning',
        '--sink',
        `webhook:${receiverUrl}`,
        '--base-url',
        access.baseUrl,
        '--api-key',
        access.apiKey,
        '--user-agent',
        TEST_USER_AGENT,
        '--state-dir',
        join(dir, 'state'),
      ],
      { CLINIKO_BRIDGE_WEBHOOK_SECRET: secret },
    );

    expect(result.code).toBe(0);
    const expected = [
      ...(await streamIds(access, 'practitioners')),
      ...(await streamIds(access, 'businesses')),
    ];
    expect(deliveries).toHaveLength(expected.length);
    expect(deliveries.every((delivery) => signatureValid(key, delivery))).toBe(true);
    const details = deliveries.map(
      (d) => (JSON.parse(d.body) as { detail: { eventId: string; recordId: string } }).detail,
    );
    expect(deliveries.map((d) => d.id)).toEqual(details.map((d) => d.eventId));
    expect(details.map((d) => d.recordId).sort()).toEqual(expected.sort());
    expect(result.stderr).not.toContain(secret);
  });

  it.each([
    ['plain http to another host', 'http://hooks.example.test', /must use https/],
    ['the cloud metadata address', 'https://169.254.169.254', /cloud metadata endpoint/],
    ['a link-local address', 'https://[fe80::1]', /link-local address/],
  ])(
    'exits 2 for a webhook to %s, naming --sink but not the URL path or query',
    async (_case, origin, reason) => {
      const secret = `whsec_${randomBytes(32).toString('base64')}`;

      const result = await runCli(
        ['run', '--simulate', '--once', '--sink', `webhook:${origin}/hooks/cliniko?token=TOPSECRET`],
        { CLINIKO_BRIDGE_WEBHOOK_SECRET: secret },
      );

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--sink: /);
      expect(result.stderr).toMatch(reason);
      expect(result.stderr).not.toMatch(/TOPSECRET|hooks\/cliniko/);
      expect(result.stdout).toBe('');
    },
  );

  it('exits 2 naming the secret variable when it is missing', async () => {
    const result = await runCli(['run', '--simulate', '--once', '--sink', `webhook:${receiverUrl}`]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CLINIKO_BRIDGE_WEBHOOK_SECRET');
  });
});
