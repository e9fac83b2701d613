/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret format the operator
 * configures and the `webhook-signature` header the receiver verifies.
 */
import { createHmac } from 'node:crypto';
import { ConfigError } from '../errors.js';

/** The environment variable holding the signing secret of `--sink webhook:URL`. */
export const WEBHOOK_SECRET_ENV = 'CLINIKO_BRIDGE_WEBHOOK_SECRET';

const PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// The spec's recommended key size; shorter keys are guessable, longer ones gain nothing with SHA-256.
const MIN_BYTES = 24;
const MAX_BYTES = 64;
const HOW_TO =
  `set it to "${PREFIX}" followed by the base64 of ${MIN_BYTES} to ${MAX_BYTES} random bytes ` +
  `(Standard Webhooks format), e.g. generate one with: echo "${PREFIX}$(openssl rand -base64 32)" ` +
  'and give the receiver the same value';

/**
 * Decodes a `whsec_<base64>` secret into the HMAC key bytes. Throws `ConfigError` naming the
 * environment variable; the message never repeats the value.
 */
export function parseWebhookSecret(value: string | undefined): Buffer {
  const fail = (problem: string): never => {
    throw new ConfigError(WEBHOOK_SECRET_ENV, `${problem}; ${HOW_TO}`);
  };
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return fail('is not set (it is required by --sink webhook:URL)');
  if (!trimmed.startsWith(PREFIX)) return fail(`does not start with "${PREFIX}"`);
  const encoded = trimmed.slice(PREFIX.length);
  if (!BASE64.test(encoded)) return fail(`the part after "${PREFIX}" is not valid base64`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
    return fail(`decodes to ${key.length} bytes`);
  }
  return key;
}

/**
 * The `webhook-signature` value: `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`.
 * `body` must be exactly the bytes sent; `timestamp` is integer epoch seconds.
 */
export function signWebhook(secret: Uint8Array, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}
