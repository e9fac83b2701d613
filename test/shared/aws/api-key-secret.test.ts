import { describe, expect, it } from 'vitest';
import { parseApiKeySecret } from '../../../shared/aws/api-key-secret.js';
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
