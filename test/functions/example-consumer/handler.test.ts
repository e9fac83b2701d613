/**
 * The example consumer's entry point checks its environment on the first invocation and names what
 * is missing; its behaviour against DynamoDB is tested on moto (test/aws/example-consumer.aws.test.ts).
 */
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('the example consumer entry point', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('refuses to run without its idempotency table, naming the variable', async () => {
    vi.stubEnv('IDEMPOTENCY_TABLE', '');
    const { handler } = await import('../../../functions/example-consumer/handler.js');

    await expect(handler({ Records: [] }, {} as Context)).rejects.toThrow(
      /^IDEMPOTENCY_TABLE: is not set; the deployment must set it to the name of the idempotency table/,
    );
  });
});
