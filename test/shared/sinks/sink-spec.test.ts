import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/errors.js';
import {
  EVENTBRIDGE_MAX_ENTRY_BYTES,
  maxEntryBytesFor,
  parseSinkSpec,
  WEBHOOK_MAX_ENTRY_BYTES,
} from '../../../shared/sinks/sink-spec.js';

const SECRET_BYTES = Buffer.alloc(32, 9);
const ENV = { CLINIKO_BRIDGE_WEBHOOK_SECRET: `whsec_${SECRET_BYTES.toString('base64')}` };

describe('parseSinkSpec', () => {
  it('parses console', () => {
    expect(parseSinkSpec('console', {})).toEqual({ kind: 'console' });
  });

  it('parses ndjson with a path that may itself contain colons', () => {
    expect(parseSinkSpec('ndjson:out/events:today.ndjson', {})).toEqual({
      kind: 'ndjson',
      path: 'out/events:today.ndjson',
    });
  });

  it.each(['-', '/dev/stdout', '/dev/fd/1', '/proc/self/fd/1'])(
    'parses ndjson:%s as the stdout sink',
    (target) => {
      expect(parseSinkSpec(`ndjson:${target}`, {})).toEqual({ kind: 'ndjson-stdout' });
    },
  );

  it('parses webhook with its URL and the decoded secret from the environment', () => {
    const spec = parseSinkSpec('webhook:https://hooks.example.test/cliniko?team=7', ENV);

    expect(spec).toEqual({
      kind: 'webhook',
      url: 'https://hooks.example.test/cliniko?team=7',
      secret: SECRET_BYTES,
    });
  });

  it.each([
    'cliniko-events',
    'default',
    'org.team/events_v1',
    'arn:aws:events:eu-west-1:123456789012:event-bus/x',
  ])('parses eventbridge:%s', (bus) => {
    expect(parseSinkSpec(`eventbridge:${bus}`, {})).toEqual({ kind: 'eventbridge', busName: bus });
  });

  it.each([
    ['an unknown kind', 'kafka:topic', {}, /^--sink: unknown sink "kafka": expected console, ndjson:PATH/],
    ['a bare URL', 'https://hooks.example.test', {}, /write webhook:URL/],
    ['console with an argument', 'console:loud', {}, /console takes no argument/],
    ['ndjson without a path', 'ndjson:', {}, /ndjson needs a file path/],
    ['webhook without a URL', 'webhook:', ENV, /webhook needs a URL/],
    ['webhook with a relative URL', 'webhook:/hooks', ENV, /absolute URL/],
    ['webhook over ftp', 'webhook:ftp://hooks.example.test', ENV, /must use https, not ftp/],
    [
      'webhook with credentials',
      'webhook:https://u:p@hooks.example.test',
      ENV,
      /must not contain a user name/,
    ],
    ['eventbridge without a bus', 'eventbridge:', {}, /needs an event bus name/],
    ['eventbridge with a bad bus name', 'eventbridge:my bus!', {}, /needs an event bus name/],
  ])('rejects %s naming --sink', (_case, spec, env, message) => {
    const parse = () => parseSinkSpec(spec, env);

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(/^--sink: /);
  });

  it.each([
    'http://127.0.0.1:8080/hooks',
    'http://127.4.5.6/hooks',
    'http://localhost:3000/hooks',
    'http://[::1]:3000/hooks',
    'https://10.0.0.5/hooks',
    'https://172.16.3.4/hooks',
    'https://192.168.1.10/hooks',
    'https://hooks.example.test/cliniko',
  ])('accepts the webhook receiver %s', (url) => {
    expect(parseSinkSpec(`webhook:${url}`, ENV)).toMatchObject({ kind: 'webhook', url });
  });

  it.each([
    [
      'plain http to another host',
      'http://hooks.example.test',
      /must use https: plain http only to a receiver on this machine/,
    ],
    ['plain http to a private address', 'http://10.0.0.5', /must use https/],
    ['a link-local address', 'https://169.254.10.20', /169\.254\.10\.20 is a link-local address/],
    ['an IPv6 link-local address', 'https://[fe80::1]', /\[fe80::1\] is a link-local address/],
    ['the AWS/GCP/Azure metadata address', 'https://169.254.169.254', /is a cloud metadata endpoint/],
    ['the same address written as a number', 'https://2852039166', /is a cloud metadata endpoint/],
    ['the same address mapped into IPv6', 'https://[::ffff:169.254.169.254]', /is a cloud metadata endpoint/],
    ['the ECS task metadata address', 'https://169.254.170.2', /is a cloud metadata endpoint/],
    ['the AWS IPv6 metadata address', 'https://[fd00:ec2::254]', /is a cloud metadata endpoint/],
    ['the Alibaba metadata address', 'https://100.100.100.200', /is a cloud metadata endpoint/],
    ['the GCP metadata host name', 'https://metadata.google.internal', /is a cloud metadata endpoint/],
    ['the short metadata host name', 'https://metadata', /is a cloud metadata endpoint/],
    [
      'a metadata host name with a trailing dot',
      'https://METADATA.google.internal.',
      /is a cloud metadata endpoint/,
    ],
  ])(
    'refuses a webhook to %s, naming --sink and the fix but not the path or query',
    (_case, origin, message) => {
      const parse = () => parseSinkSpec(`webhook:${origin}/latest/meta-data?token=TOPSECRET`, ENV);

      expect(parse).toThrow(ConfigError);
      expect(parse).toThrow(/^--sink: /);
      expect(parse).toThrow(message);
      expect(parse).toThrow(/e\.g\. --sink webhook:https:\/\//);
      expect(parse).not.toThrow(/TOPSECRET|meta-data/);
    },
  );

  it('rejects a webhook when the secret is missing, naming the variable and how to make one', () => {
    const parse = () => parseSinkSpec('webhook:https://hooks.example.test', {});

    expect(parse).toThrow(/^CLINIKO_BRIDGE_WEBHOOK_SECRET: is not set/);
    expect(parse).toThrow('openssl rand -base64 32');
  });

  it('does not echo the rest of an unknown spec, which may hold a token', () => {
    const parse = () => parseSinkSpec('hook:https://hooks.example.test/?token=TOPSECRET', {});

    expect(parse).toThrow(ConfigError);
    expect(parse).not.toThrow(/TOPSECRET/);
  });
});

describe('maxEntryBytesFor', () => {
  const webhook = parseSinkSpec('webhook:https://hooks.example.test/cliniko', ENV);

  it('follows EventBridge’s 1 MB entry limit for every destination but a webhook', () => {
    expect(EVENTBRIDGE_MAX_ENTRY_BYTES).toBe(1024 * 1024);
    expect(maxEntryBytesFor([{ kind: 'console' }, { kind: 'eventbridge', busName: 'bus' }])).toBe(
      1024 * 1024,
    );
  });

  it('keeps a webhook’s own 256 KB limit when one is among the destinations, as events are built once for all', () => {
    expect(WEBHOOK_MAX_ENTRY_BYTES).toBe(256 * 1024);
    expect(maxEntryBytesFor([{ kind: 'eventbridge', busName: 'bus' }, webhook])).toBe(256 * 1024);
  });

  it('keeps a configured limit below those', () => {
    expect(maxEntryBytesFor([webhook], 100_000)).toBe(100_000);
    expect(maxEntryBytesFor([{ kind: 'console' }], 100_000)).toBe(100_000);
  });
});
