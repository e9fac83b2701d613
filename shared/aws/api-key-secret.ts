/**
 * The Cliniko API key in a stored value (a secret's or parameter's string): the key itself, or JSON
 * `{"apiKey": "..."}`. Errors never include the value.
 */
import { ConfigError } from '../errors.js';

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
