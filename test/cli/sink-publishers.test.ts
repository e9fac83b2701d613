import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSinks } from '../../cli/sink-publishers.js';
import { ConfigError } from '../../shared/errors.js';
import type { SinkSpec } from '../../shared/sinks/sink-spec.js';
import type { HostResolver } from '../../shared/sinks/webhook-destination.js';

const SECRET = new Uint8Array(32);
const webhook = (url: string): SinkSpec => ({ kind: 'webhook', url, secret: SECRET });

/** Answers every host name with one address, recording the names asked. */
function resolvingTo(address: string): HostResolver & { readonly asked: string[] } {
  const asked: string[] = [];
  return Object.assign(
    async (hostname: string) => {
      asked.push(hostname);
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    },
    { asked },
  );
}

async function refusal(act: Promise<unknown>): Promise<ConfigError> {
  const error = await act.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof ConfigError) return error;
  throw new Error(`expected a ConfigError, got ${String(error)}`);
}

describe('checkSinks', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'check-sinks-'));
    await writeFile(join(dir, 'a-file'), 'x');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses at start-up a webhook host name that resolves to a metadata address', async () => {
    const resolve = resolvingTo('169.254.169.254');

    const error = await refusal(
      checkSinks([{ kind: 'console' }, webhook('https://hooks.example.test/x?token=TOPSECRET')], { resolve }),
    );

    expect(error.message).toMatch(
      /^--sink: webhook host hooks\.example\.test resolves to 169\.254\.169\.254/,
    );
    expect(error.message).not.toContain('TOPSECRET');
    expect(resolve.asked).toEqual(['hooks.example.test']);
  });

  it('accepts a webhook host name that resolves to a private address over https', async () => {
    const resolve = resolvingTo('10.20.30.40');

    await checkSinks([webhook('https://hooks.internal.test/x')], { resolve });

    expect(resolve.asked).toEqual(['hooks.internal.test']);
  });

  it('checks every ndjson file, naming --sink', async () => {
    const error = await refusal(
      checkSinks(
        [
          { kind: 'ndjson', path: join(dir, 'ok.ndjson') },
          { kind: 'ndjson', path: join(dir, 'a-file/x') },
        ],
        {
          resolve: resolvingTo('127.0.0.1'),
        },
      ),
    );

    expect(error.message).toMatch(/^--sink: cannot write ndjson:.*a-file\/x: .* is a file, not a directory/);
  });
});
