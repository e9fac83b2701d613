/**
 * Reads an account's Cliniko API key where its registry entry points: a Secrets Manager secret
 * (the key itself, or JSON `{"apiKey": "…"}`) or an SSM SecureString. Clients are built on first
 * use. Errors never contain a key.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../errors.js';
import type { ApiKeyRef } from '../fleet/registry.js';
import { parseApiKeySecret } from './api-key-secret.js';
import { secretsManagerReader } from './secrets.js';

export interface AwsKeyClients {
  readonly secrets: () => SecretsManagerClient;
  readonly ssm: () => SSMClient;
}

/** Failures a person must fix (a wrong name, a missing permission or KMS grant), not wait out. */
const SSM_NOT_RETRYABLE = new Set(['ParameterNotFound', 'AccessDeniedException', 'InvalidKeyId']);

export function awsApiKeyReader(
  clients: AwsKeyClients,
): (ref: ApiKeyRef, account: string) => Promise<string> {
  return async (ref, account) => {
    if (ref.store === 'secretsmanager') {
      return parseApiKeySecret(await secretsManagerReader(clients.secrets(), 'apiKeySecret')(ref.secretId));
    }
    if (ref.store === 'ssm') {
      try {
        const output = await clients
          .ssm()
          .send(new GetParameterCommand({ Name: ref.parameter, WithDecryption: true }));
        return parseApiKeySecret(output.Parameter?.Value);
      } catch (error) {
        const name = error instanceof Error ? error.name : 'UnknownError';
        if (!SSM_NOT_RETRYABLE.has(name)) throw error;
        throw new ConfigError(
          'apiKeyParameter',
          `SSM refused to return the API key parameter of account ${account} (${name}); check that it exists in this region under the cliniko/ prefix, and that the poller may use its KMS key`,
          { cause: error },
        );
      }
    }
    throw new ConfigError(
      'apiKey',
      `account ${account} keeps its API key in a local store, which a deployment cannot read; add it again with \`cliniko-bridge accounts add ${account} --table <table> --api-key-stdin\``,
    );
  };
}
