/**
 * A stop request while `run` is still starting (nothing polled yet, nothing to checkpoint) must end the
 * process promptly, even when a start-up step hangs: here a DynamoDB endpoint that accepts connections
 * and never answers, so `--table`'s DescribeTable waits forever.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, waitFor } from './cli-process.js';

describe('cliniko-bridge run stopped during start-up', () => {
  let silent: Server;
  let endpoint = '';
  const sockets: Socket[] = [];

  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'exits 0 within seconds on %s while a start-up step hangs',
    {
      timeout: 40_000,
    },
    async (signal) => {
      const connected = sockets.length;
      const run = startCli(['run', '--simulate', '--table', 'bridge-state'], {
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        AWS_REGION: 'ap-southeast-2',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_CONFIG_FILE: '/nonexistent/aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      });
      try {
        await waitFor(() => sockets.length > connected, 20_000, 'the bridge to ask the DynamoDB endpoint');

        run.child.kill(signal);
        const code = await Promise.race([
          run.exited,
          new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 5000)),
        ]);

        expect(code).toBe(0);
        expect(run.stderr()).toContain(`${signal} during start-up`);
      } finally {
        run.child.kill('SIGKILL');
      }
    },
  );
});
