import { describe, expect, it } from 'vitest';
import { CachedApiKeySource, parseApiKeySecret } from '../../../functions/poller/api-key-source.js';
import { ConfigError } from '../../../shared/errors.js';

describe('parseApiKeySecret', () => {
  it('takes a plain secret string as the key', () => {
    expect(parseApiKeySecret('  MS0xMjM0-au2\n')).toBe('MS0xMjM0-au2');
  });

  it('takes the apiKey member of a JSON secret', () => {
    expect(parseApiKeySecret('{"apiKey": "MS0xMjM0-au2", "rotatedBy": "ops"}')).toBe('MS0xMjM0-au2');
  });

  it.each([
    ['an empty secret', ''],
    ['JSON without apiKey', '{"key": "MS0xMjM0-au2"}'],
    ['broken JSON', '{"apiKey": "MS0xMjM0-au2"'],
    ['a key with whitespace inside', 'MS0x MjM0-au2'],
  ])('rejects %s without echoing the secret', (_, value) => {
    const parse = () => parseApiKeySecret(value);

    expect(parse).toThrow(ConfigError);
    expect(parse).not.toThrow(/MS0x/);
  });
});

describe('CachedApiKeySource', () => {
  it('reads each secret once and serves the key from memory afterwards', async () => {
    const reads: string[] = [];
    const source = new CachedApiKeySource(async (id) => {
      reads.push(id);
      return `key-for-${id.replace('/', '-')}`;
    });

    const keys = [
      await source.get('cliniko/a'),
      await source.get('cliniko/a'),
      await source.get('cliniko/b'),
    ];

    expect(keys).toEqual(['key-for-cliniko-a', 'key-for-cliniko-a', 'key-for-cliniko-b']);
    expect(reads).toEqual(['cliniko/a', 'cliniko/b']);
  });

  it('reads the secret again after invalidate', async () => {
    let version = 0;
    const source = new CachedApiKeySource(async () => {
      version += 1;
      return `key-v${version}`;
    });
    await source.get('cliniko/a');

    source.invalidate('cliniko/a');

    expect(await source.get('cliniko/a')).toBe('key-v2');
  });

  it('does not cache a failed read', async () => {
    let calls = 0;
    const source = new CachedApiKeySource(async () => {
      calls += 1;
      if (calls === 1) throw new Error('throttled');
      return 'key-v2';
    });
    await expect(source.get('cliniko/a')).rejects.toThrow('throttled');

    const key = await source.get('cliniko/a');

    expect(key).toBe('key-v2');
  });
});
