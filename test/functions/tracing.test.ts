/**
 * The Lambdas' AWS SDK clients are traced: in a Lambda environment `traced` adds Powertools'
 * X-Ray middleware to a client; outside one (the CLI, tests) it leaves the client alone.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';

const middlewareOf = (client: SQSClient) => client.middlewareStack.identify().join('\n');

describe('traced', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('adds the tracing middleware to a client inside Lambda', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'cliniko-bridge-poller');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'cliniko-bridge-poller');
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    const { traced } = await import('../../functions/tracing.js');
    const plain = middlewareOf(new SQSClient({ region: 'ap-southeast-2' }));

    const client = traced(new SQSClient({ region: 'ap-southeast-2' }));

    expect(middlewareOf(client)).not.toBe(plain);
  });

  it('leaves a client alone outside Lambda', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', '');
    vi.stubEnv('AWS_EXECUTION_ENV', '');
    const { traced } = await import('../../functions/tracing.js');
    const plain = middlewareOf(new SQSClient({ region: 'ap-southeast-2' }));

    expect(middlewareOf(traced(new SQSClient({ region: 'ap-southeast-2' })))).toBe(plain);
  });
});
