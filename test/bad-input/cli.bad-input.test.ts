/**
 * Bad input at the CLI (the real binary): bad flags exit 2 before any request, a rejected key exits
 * 3 with a message that says what to check, and neither repeats the key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-process.js';
import { type CraftedCliniko, startCraftedCliniko, text, USER_AGENT } from './crafted-cliniko.js';

const KEY = 'sentinel-cli-key-0123456789';
let cliniko: CraftedCliniko;
let dir = '';

beforeAll(async () => {
  cliniko = await startCraftedCliniko();
  dir = await mkdtemp(join(tmpdir(), 'bad-input-cli-'));
});
afterAll(async () => {
  await cliniko.close();
  await rm(dir, { recursive: true, force: true });
});

const runOnce = (extra: readonly string[]) =>
  runCli([
    'run',
    '--once',
    '--api-key',
    KEY,
    '--base-url',
    cliniko.baseUrl,
    '--state-dir',
    join(dir, 'state'),
    '--sink',
    `ndjson:${join(dir, 'events.ndjson')}`,
    ...extra,
  ]);

describe('cliniko-bridge run given bad input', () => {
  it('exits 2 on an unknown stream name, naming it and the flag, before any request', async () => {
    const before = cliniko.received.length;

    const result = await runOnce(['--user-agent', USER_AGENT, '--streams', 'patients,appointment']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--streams');
    expect(result.stderr).toContain('appointment');
    expect(cliniko.received.length).toBe(before);
  });

  it('exits 2 on a malformed User-Agent, showing the expected form, before any request', async () => {
    const before = cliniko.received.length;

    const result = await runOnce(['--user-agent', 'Acme Sync']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--user-agent');
    expect(result.stderr).toContain('Name (email@domain)');
    expect(cliniko.received.length).toBe(before);
  });

  it('exits 2 on stray positional arguments, counting them without repeating their text', async () => {
    const before = cliniko.received.length;
    const stray = 'MS0xNjk0NjM5MjUwMjM5MDQ0NzM0LXN0cmF5LXNlbnRpbmVs-au2';

    const result = await runOnce(['--user-agent', USER_AGENT, stray, 'second-stray-value']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unexpected positional arguments (2)');
    expect(result.stderr).toContain('--help');
    expect(`${result.stdout}${result.stderr}`).not.toContain(stray);
    expect(`${result.stdout}${result.stderr}`).not.toContain('second-stray-value');
    expect(cliniko.received.length).toBe(before);
  });

  it('exits 3 when Cliniko rejects the key, pointing at the base URL and never printing the key', async () => {
    cliniko.on('/patients', text(401, 'HTTP Basic: Access denied.\n', 'text/plain'));

    const result = await runOnce(['--user-agent', USER_AGENT, '--streams', 'patients']);

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(cliniko.baseUrl);
    expect(`${result.stdout}${result.stderr}`).not.toContain(KEY);
  });
});
