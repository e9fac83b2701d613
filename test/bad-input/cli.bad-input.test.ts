/**
 * Bad input at the CLI (the real binary): bad flags exit 2 before any request, a rejected key exits
 * 3 with a message that says what to check, and neither repeats the key.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
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
  await writeFile(join(dir, 'a-file'), 'not a directory\n');
  await symlink(join(dir, 'missing-target'), join(dir, 'dangling'));
  await symlink('/proc', join(dir, 'to-proc'));
  await mkdir(join(dir, 'a-directory'));
});
afterAll(async () => {
  await cliniko.close();
  await rm(dir, { recursive: true, force: true });
});

const runOnce = (
  extra: readonly string[],
  where: { readonly stateDir?: string; readonly sink?: string } = {},
) =>
  runCli(
    [
      'run',
      '--once',
      '--api-key',
      KEY,
      '--base-url',
      cliniko.baseUrl,
      '--state-dir',
      where.stateDir ?? join(dir, 'state'),
      '--sink',
      where.sink ?? `ndjson:${join(dir, 'events.ndjson')}`,
      ...extra,
    ],
    {},
    // A location the embedded store cannot use once made the binary spin forever: fail fast instead.
    { timeoutMs: 20_000 },
  );

/** A stack trace means an unexpected failure reached the user instead of a message. */
const STACK_FRAME = /\n\s+at /;

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

  it.each<[string, (root: string) => string, RegExp]>([
    [
      'under a dangling symbolic link',
      (root) => join(root, 'dangling/state'),
      /symbolic link to a missing target/,
    ],
    [
      'that is a dangling symbolic link',
      (root) => join(root, 'dangling'),
      /symbolic link to a missing target/,
    ],
    ['under a file', (root) => join(root, 'a-file/state'), /is a file, not a directory/],
    ['that is a file', (root) => join(root, 'a-file'), /is a file, not a directory/],
    ['under /proc', () => '/proc/cliniko-bridge-state', /\/proc/],
    ['under /sys', () => '/sys/cliniko-bridge-state', /\/sys/],
    ['under /dev', () => '/dev/cliniko-bridge-state', /\/dev/],
    ['reaching /proc through a symbolic link', (root) => join(root, 'to-proc/state'), /\/proc/],
  ])(
    'exits 2 naming --state-dir for a state directory %s, before any request',
    async (_case, stateDir, reason) => {
      const before = cliniko.received.length;

      const result = await runOnce(['--user-agent', USER_AGENT], { stateDir: stateDir(dir) });

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--state-dir: /);
      expect(result.stderr).toMatch(reason);
      expect(result.stderr).toContain('choose another --state-dir');
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(cliniko.received.length).toBe(before);
    },
  );

  it.each<[string, (root: string) => string, RegExp]>([
    ['whose directory is a file', (root) => join(root, 'a-file/events.ndjson'), /is a file, not a directory/],
    ['that is a directory', (root) => join(root, 'a-directory'), /is a directory/],
    ['under /proc', () => '/proc/cliniko-bridge/events.ndjson', /\/proc/],
  ])('exits 2 naming --sink for an ndjson file %s, at start-up', async (_case, path, reason) => {
    const before = cliniko.received.length;

    const result = await runOnce(['--user-agent', USER_AGENT, '--start-from', 'beginning'], {
      stateDir: join(dir, 'ndjson-state'),
      sink: `ndjson:${path(dir)}`,
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--sink: /);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).not.toMatch(STACK_FRAME);
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
