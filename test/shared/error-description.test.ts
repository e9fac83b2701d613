import { open } from 'node:fs/promises';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../shared/error-description.js';
import { ConfigError, PublishError } from '../../shared/errors.js';

const SENTINEL = 'SENTINEL-Zebediah-Quux-0412';

async function thrownBy(act: () => Promise<unknown>): Promise<unknown> {
  return act().then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('describeError', () => {
  it("gives the bridge's own message for its errors", () => {
    expect(describeError(new ConfigError('--sink', 'needs a path'))).toBe('--sink: needs a path');
  });

  it('gives the type, code, errno, syscall and path of a system error', async () => {
    const error = await thrownBy(() => open('/nonexistent-dir-for-the-test/events.ndjson', 'r'));

    expect(describeError(error)).toBe(
      'Error ENOENT (errno -2, syscall open, path /nonexistent-dir-for-the-test/events.ndjson)',
    );
  });

  it("gives an AWS SDK error's name, HTTP status and request id, never its message", () => {
    const error = new EventBridgeServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 403, requestId: 'req-123' },
      message: `User is not authorized ${SENTINEL}`,
    });

    const text = describeError(error);

    expect(text).toBe('AccessDeniedException (HTTP 403, request id req-123)');
    expect(text).not.toContain(SENTINEL);
  });

  it('follows the cause chain of a network failure to its socket error', () => {
    const socket = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:9 ${SENTINEL}`), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
    });
    const error = new TypeError(`fetch failed ${SENTINEL}`, { cause: socket });

    const text = describeError(error);

    expect(text).toMatch(/^TypeError at .+, caused by Error ECONNREFUSED \(errno -111, syscall connect\)$/);
    expect(text).not.toContain(SENTINEL);
  });

  it('never repeats the message of a foreign error, which may quote a body', () => {
    let error: unknown;
    try {
      JSON.parse(`{"first_name":"${SENTINEL}`);
    } catch (caught) {
      error = caught;
    }

    const text = describeError(error);

    expect(text).toMatch(/^SyntaxError at .+error-description\.test\.ts:\d+:\d+/);
    expect(text).not.toContain(SENTINEL);
  });

  it('describes every error of an AggregateError', () => {
    const error = new AggregateError(
      [new PublishError('sink one down'), Object.assign(new Error(SENTINEL), { code: 'EPIPE' })],
      SENTINEL,
    );

    expect(describeError(error)).toMatch(/^AggregateError of 2: sink one down; Error EPIPE( at .+)?$/);
  });

  it('names the type of a thrown non-error value without its content', () => {
    expect(describeError(SENTINEL)).toBe('a thrown string (not an Error)');
    expect(describeError(undefined)).toBe('a thrown undefined (not an Error)');
  });
});
