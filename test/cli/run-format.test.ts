/** `run --format cloudevents` through the binary: each stdout line is a valid CloudEvent (official SDK). */
import { CloudEvent } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

const BACKFILL = ['run', '--simulate', '--once', '--streams', 'businesses', '--start-from', 'beginning'];

describe('cliniko-bridge run --format', () => {
  it('cloudevents with ndjson:- prints one valid CloudEvent per line', async () => {
    const result = await runCli(
      [...BACKFILL, '--sink', 'ndjson:-', '--format', 'cloudevents'],
      {},
      { timeoutMs: 30_000 },
    );

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const cloudEvent = new CloudEvent(JSON.parse(line) as Record<string, unknown>);
      expect(cloudEvent.validate()).toBe(true);
      expect(cloudEvent.type).toBe('business.snapshot');
      expect(cloudEvent.source).toBe('cliniko/simulator');
      expect(cloudEvent.subject).toMatch(/^businesses\/\d+$/);
      expect(cloudEvent.data).toMatchObject({ eventId: cloudEvent.id });
    }
  });

  it.each([
    ['the default console sink', []],
    ['a console sink', ['--sink', 'console', '--sink', 'ndjson:-']],
    ['an eventbridge sink', ['--sink', 'eventbridge:cliniko-events']],
  ])('cloudevents with %s is refused with exit 2 naming --format', async (_case, sinks) => {
    const result = await runCli([...BACKFILL, ...sinks, '--format', 'cloudevents']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--format: cloudevents applies to the ndjson and webhook sinks only/);
    expect(result.stdout).toBe('');
  });

  it('an unknown format is refused with exit 2', async () => {
    const result = await runCli([...BACKFILL, '--sink', 'ndjson:-', '--format', 'json']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--format: expected eventbridge or cloudevents');
  });
});
