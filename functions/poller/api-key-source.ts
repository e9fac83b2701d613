/**
 * Where the poller gets each account's Cliniko API key: a Secrets Manager secret whose string is
 * the key itself or JSON `{"apiKey": "..."}`. Keys are cached for the container's life (one
 * GetSecretValue per account per cold start) and re-read once after Cliniko answers 401, so a
 * rotated key is picked up without a redeploy.
 */
import type { SecretReader } from '../../shared/aws/secrets.js';
import { ConfigError } from '../../shared/errors.js';

export interface ApiKeySource {
  /** The API key stored in the secret (name or ARN). */
  get(secretId: string): Promise<string>;
  /** Forgets the cached key so the next `get` reads the secret again. */
  invalidate(secretId: string): void;
}

export class CachedApiKeySource implements ApiKeySource {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(private readonly read: SecretReader) {}

  get(secretId: string): Promise<string> {
    const cached = this.cache.get(secretId);
    if (cached) return cached;
    const pending = this.read(secretId).then((value) => parseApiKeySecret(value));
    // A failed read is not cached: the next invocation tries again.
    pending.catch(() => this.cache.delete(secretId));
    this.cache.set(secretId, pending);
    return pending;
  }

  invalidate(secretId: string): void {
    this.cache.delete(secretId);
  }
}

const FIX =
  'store the Cliniko API key as the secret string, or as JSON {"apiKey": "<key>"}, e.g. ' +
  '`aws secretsmanager put-secret-value --secret-id <name> --secret-string <key>`';

/** The key in a secret string. Errors never include the secret's contents. */
export function parseApiKeySecret(value: string | undefined): string {
  const text = (value ?? '').trim();
  if (text === '') throw new ConfigError('apiKeySecret', `the secret has no string value; ${FIX}`);
  if (!text.startsWith('{')) return assertKeyShape(text);
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    throw new ConfigError('apiKeySecret', `the secret starts with "{" but is not valid JSON; ${FIX}`);
  }
  const apiKey =
    typeof decoded === 'object' && decoded !== null ? (decoded as Record<string, unknown>).apiKey : undefined;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new ConfigError('apiKeySecret', `the secret's JSON has no non-empty string "apiKey"; ${FIX}`);
  }
  return assertKeyShape(apiKey.trim());
}

function assertKeyShape(key: string): string {
  if (/\s/.test(key))
    throw new ConfigError('apiKeySecret', `the key in the secret contains whitespace; ${FIX}`);
  return key;
}
