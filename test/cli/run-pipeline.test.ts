/**
 * `run --sink ndjson:-` as the head of a pipeline: stdout carries one JSON event per line and nothing
 * else (banners, progress, notices and console lines go to stderr), so `| jq` works.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

const BACKFILL = [
  'run',
  '--simulate',
  '--once',
  '--streams',
  'businesses,practitioners',
  '--start-from',
  'beginning',
];
const EVENT_TYPE = /^(business|practitioner)\.snapshot$/;

/** Every stdout line parsed as JSON: throws (failing the test) on a line that is not an event. */
function eventLines(stdout: string): { detail: { type: string; eventId: string } }[] {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as { detail: { type: string; eventId: string } });
}

describe('cliniko-bridge run --sink ndjson:- (stdout)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-pipeline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes only events to stdout, one JSON document per line, and everything else to stderr', async () => {
    const result = await runCli([...BACKFILL, '--sink', 'ndjson:-'], {}, { timeoutMs: 30_000 });

    expect(result.code).toBe(0);
    const events = eventLines(result.stdout);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.detail.type).toMatch(EVENT_TYPE);
    expect(new Set(events.map((e) => e.detail.eventId)).size).toBe(events.length);
    expect(result.stderr).toContain('Polling the simulator');
    expect(result.stderr).toContain('listening on http://127.0.0.1:');
    expect(result.stderr).toMatch(/Caught up: \d+ events/);
  });

  it('treats ndjson:/dev/stdout like ndjson:- (no fsync on a pipe, no endless re-publishing)', async () => {
    const result = await runCli([...BACKFILL, '--sink', 'ndjson:/dev/stdout'], {}, { timeoutMs: 30_000 });

    expect(result.code).toBe(0);
    const events = eventLines(result.stdout);
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.detail.eventId)).size).toBe(events.length);
  });

  it('moves console lines to stderr when stdout carries ndjson', async () => {
    const result = await runCli(
      [...BACKFILL, '--sink', 'console', '--sink', 'ndjson:-'],
      {},
      { timeoutMs: 30_000 },
    );

    expect(result.code).toBe(0);
    const events = eventLines(result.stdout);
    expect(events.length).toBeGreaterThan(0);
    // One console line per event, on stderr.
    const consoleLines = result.stderr
      .split('\n')
      .filter((line) => / (business|practitioner)\.snapshot /.test(line));
    expect(consoleLines).toHaveLength(events.length);
    expect(result.stderr).toMatch(/console \(on stderr/);
  });

  it('works at the head of a real shell pipe', async () => {
    const bin = join(import.meta.dirname, '../../bin/cliniko-bridge.js');
    const reader = `process.stdin.setEncoding("utf8");let t="";process.stdin.on("data",c=>t+=c);process.stdin.on("end",()=>{for(const l of t.split("\\n").filter(Boolean))console.log(JSON.parse(l).detail.type)})`;
    const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
    const command = `${quoted(process.execPath)} ${quoted(bin)} ${BACKFILL.join(' ')} --sink ndjson:- 2>/dev/null | ${quoted(process.execPath)} -e ${quoted(reader)}`;

    const types = execFileSync('bash', ['-o', 'pipefail', '-c', command], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      timeout: 30_000,
    })
      .trim()
      .split('\n');

    expect(types.length).toBeGreaterThan(0);
    for (const type of types) expect(type).toMatch(EVENT_TYPE);
  });

  it('refuses two stdout sinks with exit 2 naming --sink', async () => {
    const result = await runCli([...BACKFILL, '--sink', 'ndjson:-', '--sink', 'ndjson:-']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--sink: .*stdout/);
    expect(result.stdout).toBe('');
  });

  it('refuses a named pipe with exit 2 and points at ndjson:-', async () => {
    const fifo = join(dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);

    const result = await runCli([...BACKFILL, '--sink', `ndjson:${fifo}`]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a regular file');
    expect(result.stderr).toContain('--sink ndjson:-');
  });
});
