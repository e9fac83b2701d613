/** `run --allow-classes`: the data classes each sink may receive, and `--payload` left to the classes. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../cli/run-options.js';
import { ConfigError } from '../../shared/errors.js';
import { runCli } from './cli-process.js';

const ALL = ['operational', 'personal', 'phi'];

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const env = { CLINIKO_BRIDGE_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}` };
const parse = (...args: string[]) => parseRunOptions(['--simulate', ...args], env);

describe('run --allow-classes', () => {
  it('lets every sink take every class without the flag', () => {
    expect(parse('--sink', 'console', '--sink', 'ndjson:a.ndjson').allowClasses).toEqual([ALL, ALL]);
    expect(parse().allowClasses).toEqual([ALL]);
  });

  it('applies a plain list to every sink, in class order', () => {
    const options = parse(
      '--sink',
      'console',
      '--sink',
      'ndjson:a.ndjson',
      '--allow-classes',
      'personal,operational',
    );

    expect(options.allowClasses).toEqual([
      ['operational', 'personal'],
      ['operational', 'personal'],
    ]);
  });

  it('gives a sink named as in its --sink its own list, which wins over the list for all', () => {
    const options = parse(
      '--sink',
      'console',
      '--sink',
      'ndjson:warehouse.ndjson',
      '--sink',
      'webhook:https://hooks.example.test/in?token=a=b',
      '--allow-classes',
      'operational,phi',
      '--allow-classes',
      'ndjson:warehouse.ndjson=operational',
      '--allow-classes',
      'webhook:https://hooks.example.test/in?token=a=b=operational,personal',
    );

    expect(options.allowClasses).toEqual([
      ['operational', 'phi'],
      ['operational'],
      ['operational', 'personal'],
    ]);
  });

  it('refuses a class that does not exist, naming the flag, the classes and an example', () => {
    const error = configError(() => parse('--allow-classes', 'operational,pii'));

    expect(error.message).toBe(
      '--allow-classes: "pii" is not a data class: the classes are operational, personal, phi; ' +
        'e.g. --allow-classes operational,personal, or --allow-classes ndjson:warehouse.ndjson=operational for one sink',
    );
  });

  it('refuses a list without operational', () => {
    expect(configError(() => parse('--allow-classes', 'personal,phi')).message).toMatch(
      /^--allow-classes: must include operational/,
    );
  });

  it('refuses a sink no --sink gives, showing only its kind (a URL may carry a token)', () => {
    const error = configError(() =>
      parse(
        '--sink',
        'console',
        '--allow-classes',
        'webhook:https://x.example.test/?token=SECRET1=operational',
      ),
    );

    expect(error.message).toContain('names a sink (webhook) that no --sink gives');
    expect(error.message).not.toContain('SECRET1');
  });

  it('refuses two lists for all sinks, or for one sink', () => {
    expect(
      configError(() => parse('--allow-classes', 'operational', '--allow-classes', 'operational,phi'))
        .message,
    ).toContain('twice');
    expect(
      configError(() =>
        parse(
          '--sink',
          'console',
          '--allow-classes',
          'console=operational',
          '--allow-classes',
          'console=operational',
        ),
      ).message,
    ).toContain('two lists for one console sink');
  });

  it('leaves the payload mode to each stream without --payload, and takes an explicit one for all', () => {
    expect(parse().payload).toBeUndefined();
    expect(parse('--payload', 'full').payload).toBe('full');
  });
});

describe('cliniko-bridge run --allow-classes (the binary)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-allow-classes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says at start-up what each sink withholds, and writes only its classes into a restricted file', async () => {
    const restricted = join(dir, 'operational.ndjson');
    const result = await runCli(
      [
        'run',
        '--simulate',
        '--once',
        '--streams',
        'patients',
        '--start-from',
        'beginning',
        '--sink',
        'console',
        '--sink',
        `ndjson:${restricted}`,
        '--allow-classes',
        `ndjson:${restricted}=operational`,
      ],
      {},
      { timeoutMs: 30_000 },
    );
    const events = (await readFile(restricted, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { detail: { data: Record<string, unknown>; withheld?: unknown } });

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `Sinks: console, ndjson:${restricted} (withholding personal and phi fields).`,
    );
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event.detail.data).not.toHaveProperty('first_name');
      expect(event.detail.withheld).toEqual({ classes: ['personal', 'phi'], changedFields: 0 });
    }
  });

  it('exits 2 for an unknown class, naming the flag', async () => {
    const result = await runCli(
      ['run', '--simulate', '--once', '--allow-classes', 'everything'],
      {},
      { timeoutMs: 30_000 },
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--allow-classes: "everything" is not a data class');
  });
});
