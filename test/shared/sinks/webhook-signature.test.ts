import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/errors.js';
import { parseWebhookSecret, signWebhook } from '../../../shared/sinks/webhook-signature.js';

describe('signWebhook', () => {
  it('reproduces the Standard Webhooks specification test vector', () => {
    const key = parseWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');

    const signature = signWebhook(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');

    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('parseWebhookSecret', () => {
  it('decodes the base64 after the whsec_ prefix into the key bytes', () => {
    const bytes = Buffer.alloc(32, 7);

    const key = parseWebhookSecret(`whsec_${bytes.toString('base64')}\n`);

    expect(Buffer.from(key).equals(bytes)).toBe(true);
  });

  it.each([
    ['unset', undefined, /is not set/],
    ['empty', '  ', /is not set/],
    ['without the whsec_ prefix', Buffer.alloc(32, 1).toString('base64'), /does not start with "whsec_"/],
    ['with invalid base64', 'whsec_not*base64!', /not valid base64/],
    ['too short', `whsec_${Buffer.alloc(16, 1).toString('base64')}`, /decodes to 16 bytes/],
    ['too long', `whsec_${Buffer.alloc(65, 1).toString('base64')}`, /decodes to 65 bytes/],
  ])('rejects a secret that is %s, naming the variable and how to generate one', (_case, value, problem) => {
    const parse = () => parseWebhookSecret(value);

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(problem);
    expect(parse).toThrow(/^CLINIKO_BRIDGE_WEBHOOK_SECRET: /);
    expect(parse).toThrow('echo "whsec_$(openssl rand -base64 32)"');
  });

  it('never repeats the secret in its error message', () => {
    const value = 'whsec_SECRETVALUE*';

    const error = (() => {
      try {
        parseWebhookSecret(value);
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).not.toContain('SECRETVALUE');
  });
});
