/**
 * Opens the state store `run` keeps its cursors, leases and record fingerprints in: an embedded
 * DynamoDB-compatible store (dynalite) on disk under `--state-dir` or in memory, or a real DynamoDB
 * table (`--table`, configured by the standard AWS environment).
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientDefaults } from '../shared/aws/client-defaults.js';
import { readContentKeys, secretsManagerReader } from '../shared/aws/secrets.js';
import { type ContentKeyRing, ephemeralContentKeyRing } from '../shared/engine/content-key.js';
import type { AccountStatusReader, StateStore } from '../shared/engine/ports.js';
import { ConfigError } from '../shared/errors.js';
import { DynamoDbAccountRegistry } from '../shared/fleet/dynamodb-registry.js';
import type { AccountRegistry } from '../shared/fleet/registry.js';
import { localDynamoDbClient, startDynalite } from '../shared/state/dynalite-server.js';
import { createStateTable, DynamoDbStateStore } from '../shared/state/dynamodb-state-store.js';
import { contentKeysIn } from './content-key-file.js';
import { DEFAULT_STATE_DIR, type StateLocation } from './run-options.js';
import { prepareWritableDirectory } from './writable-location.js';

/** The table inside the embedded store. */
export const LOCAL_TABLE_NAME = 'cliniko-bridge-state';

export interface OpenedState {
  readonly store: StateStore & AccountStatusReader;
  /**
   * The content key ring the store's fingerprints and field hashes are keyed with, read (or made) on
   * first use: a command that keys nothing (`accounts`) neither reads the deployment's secret nor
   * writes a key file.
   */
  keys(): Promise<ContentKeyRing>;
  /** The accounts a fleet run polls (`cliniko-bridge accounts`), in the same table. */
  readonly registry: AccountRegistry;
  /** The table itself, for what only the CLI does (purging an account's state). */
  readonly table: { readonly client: DynamoDBClient; readonly tableName: string };
  /** For the start-up message, e.g. `.cliniko-bridge/ (local)`. */
  readonly description: string;
  /**
   * Lease owner to use, when this process is known to be the store's only user (the embedded store
   * is locked to one process): re-taking its own lease lets a run follow a forced stop at once.
   */
  readonly leaseOwner: string | undefined;
  close(): Promise<void>;
}

/** Secrets Manager secret (name or ARN) with the content key to use with `--table`. */
export const CONTENT_KEY_SECRET_ENV = 'CLINIKO_BRIDGE_CONTENT_KEY_SECRET';

export async function openState(
  location: StateLocation,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<OpenedState> {
  if (location.kind === 'table') return openTable(location.tableName, env);
  const unlock = location.kind === 'dir' ? await lockStateDir(location.path) : async () => {};
  try {
    const keys = once(async () =>
      location.kind === 'dir' ? contentKeysIn(location.path) : ephemeralContentKeyRing(),
    );
    const server = await startDynalite(
      location.kind === 'dir' ? { path: join(location.path, 'dynalite') } : {},
    );
    const client = localDynamoDbClient(server.endpoint);
    await createStateTable(client, LOCAL_TABLE_NAME);
    return {
      store: new DynamoDbStateStore({ client, tableName: LOCAL_TABLE_NAME }),
      registry: new DynamoDbAccountRegistry({ client, tableName: LOCAL_TABLE_NAME }),
      table: { client, tableName: LOCAL_TABLE_NAME },
      keys,
      description:
        location.kind === 'dir' ? `${location.path} (embedded store)` : 'in memory (embedded store)',
      leaseOwner: 'local-runner',
      close: async () => {
        client.destroy();
        await server.close();
        await unlock();
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}

async function openTable(
  tableName: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<OpenedState> {
  const client = new DynamoDBClient(awsClientDefaults());
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    client.destroy();
    if (error instanceof ResourceNotFoundException) {
      throw new ConfigError(
        '--table',
        `no DynamoDB table "${tableName}" in the configured region; deploy the stack, check AWS_REGION, or use --state-dir for a local store`,
      );
    }
    throw error;
  }
  // A table is usually the deployment's, keyed with the deployment's secret (the stack output
  // ContentKeySecretArn). Without it, a key of this machine keys the states this process writes.
  const secret = env[CONTENT_KEY_SECRET_ENV]?.trim();
  const keys = once(async () =>
    secret
      ? readContentKeys(
          secretsManagerReader(new SecretsManagerClient(awsClientDefaults()), CONTENT_KEY_SECRET_ENV),
          secret,
        )
      : contentKeysIn(await ensureDir(resolve(DEFAULT_STATE_DIR))),
  );
  return {
    store: new DynamoDbStateStore({ client, tableName }),
    registry: new DynamoDbAccountRegistry({ client, tableName }),
    table: { client, tableName },
    keys,
    description: `DynamoDB table ${tableName}`,
    leaseOwner: undefined,
    close: async () => client.destroy(),
  };
}

/** `make`'s promise, made on the first call and shared by every later one. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

/**
 * One process per state directory: the embedded store's files cannot be shared, and a second
 * process would crash inside the store instead of failing with a clear message.
 */
async function lockStateDir(dir: string): Promise<() => Promise<void>> {
  await prepareWritableDirectory(dir, {
    flag: '--state-dir',
    subject: `cannot use ${dir}`,
    fix: `choose another --state-dir, e.g. --state-dir ${DEFAULT_STATE_DIR}`,
  });
  const lockPath = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const file = await open(lockPath, 'wx', 0o600);
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new ConfigError(
          '--state-dir',
          `${dir} is in use by another cliniko-bridge process (pid ${holder}); stop it first or choose another --state-dir`,
        );
      }
      // The holder died without cleaning up: the lock is stale.
      await rm(lockPath, { force: true });
    }
  }
  throw new ConfigError('--state-dir', `could not lock ${dir}; check that the directory is writable`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

async function ensureDir(dir: string): Promise<string> {
  await prepareWritableDirectory(dir, {
    flag: '--table',
    subject: `cannot keep the content key in ${dir}`,
    fix: `set ${CONTENT_KEY_SECRET_ENV} to the deployment's content key secret, or run from a writable directory`,
  });
  return dir;
}
