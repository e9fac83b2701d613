import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/errors.js';
import {
  checkWebhookHost,
  guardedLookup,
  type HostResolver,
  type ResolvedAddress,
} from '../../../shared/sinks/webhook-destination.js';

/** A resolver that answers every host with `addresses` and records what it was asked. */
function resolver(...addresses: string[]): HostResolver & { readonly asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

function failingResolver(code: string): HostResolver {
  return async () => {
    throw Object.assign(new Error(`getaddrinfo ${code}`), { code });
  };
}

async function refusal(act: Promise<unknown>): Promise<ConfigError> {
  const error = await act.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof ConfigError) return error;
  throw new Error(`expected a ConfigError, got ${String(error)}`);
}

const url = (text: string) => new URL(text);

describe('checkWebhookHost (start-up)', () => {
  it.each([
    ['169.254.169.254', /resolves to 169\.254\.169\.254, which is a cloud metadata endpoint/],
    ['fd00:ec2::254', /resolves to fd00:ec2::254, which is a cloud metadata endpoint/],
    ['169.254.7.7', /resolves to 169\.254\.7\.7, which is a link-local address/],
    ['fe80::1234', /resolves to fe80::1234, which is a link-local address/],
  ])(
    'refuses a host name that resolves to %s, naming --sink but not the path or query',
    async (address, message) => {
      const resolve = resolver('10.0.0.7', address);

      const error = await refusal(
        checkWebhookHost(url('https://hooks.example.test/x?token=TOPSECRET'), resolve),
      );

      expect(error.field).toBe('--sink');
      expect(error.message).toMatch(/^--sink: webhook host hooks\.example\.test /);
      expect(error.message).toMatch(message);
      expect(error.message).not.toMatch(/TOPSECRET|\/x/);
      expect(resolve.asked).toEqual(['hooks.example.test']);
    },
  );

  it('accepts a host name that resolves to private addresses over https', async () => {
    const resolve = resolver('10.0.0.7', '192.168.4.5', 'fd12:3456::1');

    await checkWebhookHost(url('https://hooks.internal.test/x'), resolve);

    expect(resolve.asked).toEqual(['hooks.internal.test']);
  });

  it('refuses plain http to a name that resolves off this machine', async () => {
    const error = await refusal(
      checkWebhookHost(url('http://localhost:8080/x'), resolver('127.0.0.1', '10.1.2.3')),
    );

    expect(error.message).toMatch(
      /webhook host localhost resolves to 10\.1\.2\.3, which is not this machine/,
    );
    expect(error.message).toContain('use https');
  });

  it('accepts plain http to a name that resolves to loopback addresses only', async () => {
    await checkWebhookHost(url('http://localhost:8080/x'), resolver('127.0.0.1', '::1'));
  });

  it('does not resolve an address written in the URL (the parser already checked it)', async () => {
    const resolve = resolver('169.254.169.254');

    await checkWebhookHost(url('https://10.0.0.9/x'), resolve);

    expect(resolve.asked).toEqual([]);
  });

  it('refuses a host name that does not exist, and leaves a transient DNS failure to connect time', async () => {
    const error = await refusal(
      checkWebhookHost(url('https://hooks.example.test/x'), failingResolver('ENOTFOUND')),
    );

    expect(error.message).toMatch(/^--sink: webhook host hooks\.example\.test does not resolve/);
    await checkWebhookHost(url('https://hooks.example.test/x'), failingResolver('EAI_AGAIN'));
  });
});

describe('guardedLookup (connect time)', () => {
  function lookup(
    target: string,
    resolve: HostResolver,
    options: { all?: boolean; family?: number },
  ): Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
    return new Promise((done) =>
      guardedLookup(url(target), resolve)('hooks.example.test', options, (error, address, family) =>
        done({ error, address, ...(family === undefined ? {} : { family }) }),
      ),
    );
  }

  it('hands every address to a caller that asks for all of them', async () => {
    const result = await lookup('https://hooks.example.test/x', resolver('10.0.0.7', 'fd12::1'), {
      all: true,
    });

    expect(result.error).toBeNull();
    expect(result.address).toEqual([
      { address: '10.0.0.7', family: 4 },
      { address: 'fd12::1', family: 6 },
    ]);
  });

  it('hands the first address of the asked family to a caller that wants one', async () => {
    const result = await lookup('https://hooks.example.test/x', resolver('fd12::1', '10.0.0.7'), {
      family: 4,
    });

    expect(result).toEqual({ error: null, address: '10.0.0.7', family: 4 });
  });

  it('fails the connection with a ConfigError when an address is refused (DNS rebinding)', async () => {
    const result = await lookup('https://hooks.example.test/x', resolver('10.0.0.7', '169.254.169.254'), {
      all: true,
    });

    expect(result.error).toBeInstanceOf(ConfigError);
    expect(String(result.error)).toMatch(
      /resolves to 169\.254\.169\.254, which is a cloud metadata endpoint/,
    );
  });
});
