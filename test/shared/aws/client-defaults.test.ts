/**
 * Every AWS call gives up in bounded time (the SDK's own retries, each attempt with a timeout), so a
 * chunk of writes started while holding the lease cannot still be in flight when the lease expires.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsPollerDeps } from '../../../functions/poller/aws-deps.js';
import { AWS_CALL_BUDGET_MS, AWS_MAX_ATTEMPTS } from '../../../shared/aws/client-defaults.js';
import { DEFAULT_SYNC_TIMING } from '../../../shared/engine/sync.js';

let silent: Server;
let endpoint: string;
let requests = 0;

beforeAll(async () => {
  // Accepts every request and never answers it.
  silent = createServer(() => {
    requests += 1;
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  silent.closeAllConnections();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe('AWS client defaults', () => {
  it('keep the longest publish chunk (three PutEvents calls) well within half the lease TTL', () => {
    expect(3 * AWS_CALL_BUDGET_MS).toBeLessThan(DEFAULT_SYNC_TIMING.leaseTtlMs / 2);
  });

  it("make the poller's state store give up on a DynamoDB that never answers, after the SDK's own attempts", async () => {
    const deps = awsPollerDeps({
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'Test' }),
      env: {},
    });
    const previous = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
    try {
      const store = deps.createStateStore({
        configUri: 's3://bridge-assets/bridge-config.json',
        stateTableName: 'state',
        eventBusName: 'bus',
        region: 'us-east-1',
        contentKeySecret: 'k',
      });
      requests = 0;
      await expect(store.getCursor('clinic', 'patients')).rejects.toThrow();
      expect(requests).toBe(AWS_MAX_ATTEMPTS);
    } finally {
      process.env = previous;
    }
  }, 30_000);
});
