/** `cliniko-bridge replay` through the binary: argument mistakes exit 2 with the flag, before any AWS call. */
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

// An endpoint nothing listens on: a call would fail with exit 1, not 2.
const NO_AWS = {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
};

describe('cliniko-bridge replay arguments', () => {
  it('exits 2 naming --until when the window ends in the future', async () => {
    const result = await runCli(
      [
        'replay',
        '--bus',
        'b',
        '--archive',
        'a',
        '--since',
        '2026-01-01T00:00:00Z',
        '--until',
        '2999-01-01T00:00:00Z',
      ],
      NO_AWS,
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cliniko-bridge replay: --until: is in the future/m);
  });

  it('exits 2 naming --since when it is not before --until', async () => {
    const result = await runCli(
      [
        'replay',
        '--bus',
        'b',
        '--archive',
        'a',
        '--since',
        '2026-01-02T00:00:00Z',
        '--until',
        '2026-01-01T00:00:00Z',
      ],
      NO_AWS,
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since: must be before --until');
  });

  it('shows its usage with --help and is listed in the commands', async () => {
    const help = await runCli(['replay', '--help']);
    const usage = await runCli(['--help']);

    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: cliniko-bridge replay --bus NAME|ARN --archive NAME|ARN');
    expect(usage.stdout).toMatch(/^ {2}replay +/m);
  });

  it('an unreachable AWS endpoint is exit 1 with the error named, not a bare failure', async () => {
    const result = await runCli(
      [
        'replay',
        '--bus',
        'b',
        '--archive',
        'a',
        '--since',
        '2026-01-01T00:00:00Z',
        '--until',
        '2026-01-02T00:00:00Z',
      ],
      { ...NO_AWS, AWS_MAX_ATTEMPTS: '1' },
      { timeoutMs: 25_000 },
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^cliniko-bridge replay: \S+.*(ECONNREFUSED|no HTTP response)/m);
  });
});
