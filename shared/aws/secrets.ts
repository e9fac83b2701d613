/**
 * Reading secrets from AWS Secrets Manager: the client comes from the caller (built lazily, never
 * at import). Failures a person must fix become `ConfigError`s that say what to check; messages
 * never contain a secret's value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type ContentKeyRing, parseContentKeySecret } from '../engine/content-key.js';
import { ConfigError } from '../errors.js';

/** Reads a secret's string value; `undefined` when the secret holds binary data only. */
export type SecretReader = (secretId: string) => Promise<string | undefined>;

/** Failures that a person must fix (wrong name, missing permission or KMS grant), not wait out. */
const NOT_RETRYABLE = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
]);

/** Reads secrets with GetSecretValue; `field` names the setting that points at the secret in errors. */
export function secretsManagerReader(client: SecretsManagerClient, field = 'apiKeySecret'): SecretReader {
  return async (secretId) => {
    try {
      const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return output.SecretString;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'UnknownError';
      if (!NOT_RETRYABLE.has(name)) throw error;
      throw new ConfigError(
        field,
        `Secrets Manager refused to return the secret (${name}); check that it exists in this region, ` +
          'that the poller role may call secretsmanager:GetSecretValue on it, and that it may use its KMS key',
        { cause: error },
      );
    }
  };
}

/** The content key ring from its secret (see `shared/engine/content-key.ts`). Errors never quote it. */
export async function readContentKeys(read: SecretReader, secretId: string): Promise<ContentKeyRing> {
  const text = await read(secretId);
  if (text === undefined || text.trim() === '') {
    throw new ConfigError(
      'CONTENT_KEY_SECRET',
      'the content key secret has no string value; the CDK app generates one',
    );
  }
  return parseContentKeySecret(text);
}
