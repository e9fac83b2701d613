/**
 * No failure of the binary reads "unexpected failure" or a bare error type: a foreign error is
 * described by type, code, errno, syscall and path, an AWS SDK error by name, HTTP status and
 * request id — never by its message, which may quote data.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

const SENTINEL = 'SENTINEL-Zebediah-Quux-0412';

describe('error messages of the binary', () => {
  let dir = '';
  let aws: Server;
  let awsEndpoint = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'error-messages-'));
    await writeFile(join(dir, 'a-file'), 'x');
    // Answers every AWS JSON-protocol call like DynamoDB refusing the caller's permission.
    aws = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res
          .writeHead(400, {
            'content-type': 'application/x-amz-json-1.0',
            'x-amzn-requestid': 'REQ-ID-4711',
          })
          .end(
            JSON.stringify({
              __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException',
              message: `not authorized to read ${SENTINEL}`,
            }),
          );
      });
    });
    await new Promise<void>((resolve) => aws.listen(0, '127.0.0.1', resolve));
    awsEndpoint = `http://127.0.0.1:${(aws.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    aws.closeAllConnections();
    await new Promise<void>((resolve) => aws.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('a file-system failure names the error code, syscall and path', async () => {
    const out = join(dir, 'a-file', 'schemas');

    const result = await runCli(['schemas', '--out', out]);

    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/unexpected/i);
    expect(result.stderr).toMatch(
      new RegExp(
        `^cliniko-bridge schemas: Error ENOTDIR \\(errno -20, syscall mkdir, path ${out.replace(/[/.]/g, '\\$&')}`,
        'm',
      ),
    );
  });

  it('an AWS failure names the error, the HTTP status and the request id, not the message', async () => {
    const result = await runCli(['run', '--simulate', '--once', '--table', 'bridge-state'], {
      AWS_ENDPOINT_URL: awsEndpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_MAX_ATTEMPTS: '1',
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'cliniko-bridge run: AccessDeniedException (HTTP 400, request id REQ-ID-4711)',
    );
    expect(result.stderr).not.toMatch(/unexpected/i);
    expect(result.stderr).not.toContain(SENTINEL);
  });
});
