/**
 * Where `cliniko-bridge accounts add` keeps an account's Cliniko API key, and how `run` reads it back:
 *
 * - `local`: `<state-dir>/api-keys.json` (mode 0600, written atomically), the only store of a local
 *   `--state-dir`; a deployment cannot read it.
 * - `secretsmanager`: the secret `cliniko/<id>` (the default with `--table`);
 * - `ssm`: the SecureString parameter `/cliniko/<id>` (no monthly charge per key).
 *
 * The names sit under `API_KEY_PREFIX`, the only keys the deployed poller may read. Nothing here
 * ever prints or logs a key; errors name the store and the account only.
 */
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  DeleteParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { awsApiKeyReader } from '../shared/aws/api-key-reader.js';
import { awsClientDefaults } from '../shared/aws/client-defaults.js';
import { ConfigError } from '../shared/errors.js';
import { API_KEY_PREFIX, type ApiKeyRef } from '../shared/fleet/registry.js';

export type KeyStoreKind = ApiKeyRef['store'];
export const KEY_STORES: readonly KeyStoreKind[] = ['local', 'secretsmanager', 'ssm'];

/** The file of a local state directory that holds its accounts' keys. */
export const LOCAL_KEYS_FILE = 'api-keys.json';

export interface ApiKeyStore {
  readonly kind: KeyStoreKind;
  /** Stores (or replaces) the account's key; answers the reference the registry keeps. */
  put(account: string, apiKey: string): Promise<ApiKeyRef>;
  /** Deletes the key the reference points at; answers false when there was none (already gone). */
  delete(account: string, ref: ApiKeyRef): Promise<boolean>;
  /** Where the key of `account` goes, for messages (never the key). */
  describe(account: string): string;
}

export const secretNameOf = (account: string): string => `${API_KEY_PREFIX}${account}`;
export const parameterNameOf = (account: string): string => `/${API_KEY_PREFIX}${account}`;

/**
 * Where `accounts add` may have stored the key of `account` in `kind`: what `purge` deletes once
 * `remove` has dropped the registry entry that named it.
 */
export function defaultKeyRef(kind: KeyStoreKind, account: string): ApiKeyRef {
  if (kind === 'secretsmanager') return { store: kind, secretId: secretNameOf(account) };
  if (kind === 'ssm') return { store: kind, parameter: parameterNameOf(account) };
  return { store: kind };
}

/** The keys file of a state directory: account id → key. */
export class LocalKeyFile implements ApiKeyStore {
  readonly kind = 'local' as const;
  private readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, LOCAL_KEYS_FILE);
  }

  describe(): string {
    return `${this.path} (mode 0600)`;
  }

  async read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      return Object.fromEntries(
        Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    } catch {
      throw new ConfigError(
        '--state-dir',
        `${this.path} is not a JSON object of account ids to keys; restore it or remove it and add the accounts again`,
      );
    }
  }

  async keyOf(account: string): Promise<string> {
    const key = (await this.read())[account];
    if (key === undefined) {
      throw new ConfigError(
        'apiKey',
        `no key for account ${account} in ${this.path}; add it with \`cliniko-bridge accounts add ${account} --api-key-stdin\``,
      );
    }
    return key;
  }

  async put(account: string, apiKey: string): Promise<ApiKeyRef> {
    await this.write({ ...(await this.read()), [account]: apiKey });
    return { store: 'local' };
  }

  async delete(account: string): Promise<boolean> {
    const keys = await this.read();
    if (!(account in keys)) return false;
    delete keys[account];
    await this.write(keys);
    return true;
  }

  private async write(keys: Record<string, string>): Promise<void> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    // writeFile keeps the mode of a file that existed; make sure.
    await chmod(temporary, 0o600);
    await rename(temporary, this.path).catch(async (error: unknown) => {
      await rm(temporary, { force: true });
      throw error;
    });
  }
}

export class SecretsManagerKeyStore implements ApiKeyStore {
  readonly kind = 'secretsmanager' as const;
  constructor(
    private readonly client: SecretsManagerClient = new SecretsManagerClient(awsClientDefaults()),
  ) {}

  describe(account: string): string {
    return `Secrets Manager secret ${secretNameOf(account)}`;
  }

  async put(account: string, apiKey: string): Promise<ApiKeyRef> {
    const name = secretNameOf(account);
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: apiKey,
          Description: `Cliniko API key of account ${account} (cliniko-bridge accounts add)`,
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceExistsException)) throw error;
      await this.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: apiKey }));
    }
    return { store: 'secretsmanager', secretId: name };
  }

  async delete(_account: string, ref: ApiKeyRef): Promise<boolean> {
    if (ref.store !== 'secretsmanager') return false;
    try {
      // Recoverable for a week, in case the wrong account was purged.
      await this.client.send(new DeleteSecretCommand({ SecretId: ref.secretId, RecoveryWindowInDays: 7 }));
      return true;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      return false;
    }
  }
}

export class SsmKeyStore implements ApiKeyStore {
  readonly kind = 'ssm' as const;
  constructor(private readonly client: SSMClient = new SSMClient(awsClientDefaults())) {}

  describe(account: string): string {
    return `SSM SecureString parameter ${parameterNameOf(account)}`;
  }

  async put(account: string, apiKey: string): Promise<ApiKeyRef> {
    const name = parameterNameOf(account);
    await this.client.send(
      new PutParameterCommand({ Name: name, Value: apiKey, Type: 'SecureString', Overwrite: true }),
    );
    return { store: 'ssm', parameter: name };
  }

  async delete(_account: string, ref: ApiKeyRef): Promise<boolean> {
    if (ref.store !== 'ssm') return false;
    try {
      await this.client.send(new DeleteParameterCommand({ Name: ref.parameter }));
      return true;
    } catch (error) {
      if (!(error instanceof ParameterNotFound)) throw error;
      return false;
    }
  }
}

/** Reads a key wherever its reference points: the local file, or AWS. */
export function apiKeyReaderFor(
  local: LocalKeyFile | undefined,
): (ref: ApiKeyRef, account: string) => Promise<string> {
  const aws = awsApiKeyReader({
    secrets: lazy(() => new SecretsManagerClient(awsClientDefaults())),
    ssm: lazy(() => new SSMClient(awsClientDefaults())),
  });
  return async (ref, account) => {
    if (ref.store !== 'local') return aws(ref, account);
    if (local === undefined) {
      throw new ConfigError(
        'apiKey',
        `account ${account} keeps its key in a local state directory's ${LOCAL_KEYS_FILE}; run with that --state-dir`,
      );
    }
    return local.keyOf(account);
  };
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
