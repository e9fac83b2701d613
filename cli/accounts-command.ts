/**
 * `cliniko-bridge accounts add|list|pause|resume|remove|purge`: the fleet's account registry, in a
 * local state directory or a deployed state table. Accounts come and go without a redeploy: the
 * dispatcher (or `run` over the same store) reads the registry every tick.
 *
 * `remove` stops polling and keeps the account's state and key, so `add` again resumes where it
 * stopped; `purge` deletes its cursors, record states, lease and stored key for good. No command
 * ever prints or logs a key; `add` reads it from stdin only.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { baseUrlForKey } from '../shared/cliniko/shard.js';
import { closest } from '../shared/config/suggestion.js';
import { AccountNotFoundError, ConfigError } from '../shared/errors.js';
import type { AccountRegistry, RegisteredAccount } from '../shared/fleet/registry.js';
import { accountPk, streamPk } from '../shared/state/state-table.js';
import { STREAM_NAMES } from '../shared/streams.js';
import {
  type ApiKeyStore,
  defaultKeyRef,
  KEY_STORES,
  type KeyStoreKind,
  LocalKeyFile,
  SecretsManagerKeyStore,
  SsmKeyStore,
} from './api-key-store.js';
import { configFlag } from './config-flags.js';
import { parseFlags, wantsHelp } from './flags.js';
import { JSON_HELP, JSON_OPTION, printListing, printResult } from './json-output.js';
import type { Command, CommandIo } from './main.js';
import { baseUrlOf, DEFAULT_STATE_DIR, type StateLocation, stateOf } from './run-options.js';
import { requireBaseUrlForSimulatorKey } from './simulator-key.js';
import { type OpenedState, openState } from './state-location.js';
import { parseStreamList } from './stream-list.js';

export const ACCOUNTS_USAGE = `Usage: cliniko-bridge accounts <add|list|pause|resume|remove|purge> [ID] [options]

Manages the accounts a fleet polls (the registry in the state store). A deployment's dispatcher, or
\`cliniko-bridge run\` over the same --state-dir / --table, picks changes up at its next tick.

  add ID --api-key-stdin   register account ID; its Cliniko API key is read from stdin (never a flag)
  list                     one line per account: streams, paused, last successful poll, lag
  pause ID / resume ID     stop / start polling ID, keeping its state
  remove ID                unregister ID; its state and key stay (add it again to resume)
  purge ID --yes           delete ID's cursors, record states, lease and stored key for good

Options:
  --state-dir DIR          the local state store (default: ${DEFAULT_STATE_DIR}/); keys go to DIR/api-keys.json (0600)
  --table NAME             a deployed state table (stack output StateTableName; AWS credentials from the environment)
  --key-store STORE        where add stores the key: local (only with --state-dir), secretsmanager
                           (cliniko/ID, the default with --table) or ssm (SecureString /cliniko/ID)
  --streams LIST           add: stream names, core (default) or all
  --base-url URL           add: the account's API base URL (default: from the key's shard)
  --yes                    purge: confirm
${JSON_HELP}
Example:
  printf '%s' "$KEY" | cliniko-bridge accounts add harbourside-physio --table <StateTableName> --api-key-stdin
`;

const SUBCOMMANDS = ['add', 'list', 'pause', 'resume', 'remove', 'purge'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

const FLAGS = {
  'state-dir': { type: 'string' },
  table: { type: 'string' },
  'key-store': { type: 'string' },
  streams: { type: 'string' },
  'base-url': { type: 'string' },
  'api-key-stdin': { type: 'boolean' },
  yes: { type: 'boolean' },
  ...JSON_OPTION,
} as const;

export interface AccountsDeps {
  /** The whole of stdin (the key of `add`). */
  readonly readStdin: () => Promise<string>;
  readonly now: () => Date;
  /** A key store of `kind`; a test may hand AWS clients pointed at a local endpoint through the environment. */
  readonly keyStore: (kind: KeyStoreKind, location: StateLocation) => ApiKeyStore;
}

const defaultDeps: AccountsDeps = {
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  },
  now: () => new Date(),
  keyStore: (kind, location) => {
    if (kind === 'local') {
      if (location.kind !== 'dir') throw new ConfigError('--key-store', 'local keys need a --state-dir');
      return new LocalKeyFile(location.path);
    }
    return kind === 'ssm' ? new SsmKeyStore() : new SecretsManagerKeyStore();
  },
};

export function makeAccountsCommand(deps: AccountsDeps = defaultDeps): Command {
  return async (args, io) => {
    if (wantsHelp(args) || args.length === 0) {
      io.stdout.write(ACCOUNTS_USAGE);
      return args.length === 0 ? 2 : 0;
    }
    const [sub = '', ...rest] = args;
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
      const near = closest(sub, SUBCOMMANDS);
      throw new ConfigError(
        'accounts',
        `no subcommand "${sub.slice(0, 20)}"${near ? ` (did you mean "${near}"?)` : ''}; one of ${SUBCOMMANDS.join(', ')}`,
      );
    }
    const needsId = sub !== 'list';
    const id = needsId && rest[0] !== undefined && !rest[0].startsWith('-') ? rest[0] : undefined;
    const values = parseFlags(id === undefined ? rest : rest.slice(1), `accounts ${sub}`, FLAGS);
    if (needsId) checkAccountId(id);
    const location = stateOf(values, false);
    if (location.kind === 'memory') throw new ConfigError('--state-dir', 'accounts need a store that lasts');
    return run(sub as Subcommand, id ?? '', values, location, io, deps);
  };
}

export const accountsCommand: Command = makeAccountsCommand();

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>;

async function run(
  sub: Subcommand,
  id: string,
  values: Values,
  location: StateLocation,
  io: CommandIo,
  deps: AccountsDeps,
): Promise<number> {
  // Everything about the input is checked before the store is opened or stdin read.
  const keyStoreKind = sub === 'add' ? keyStoreOf(values['key-store'], location) : undefined;
  const streams = values.streams === undefined ? undefined : parseStreamList('--streams', values.streams);
  const baseUrl = values['base-url'] === undefined ? undefined : baseUrlOf(values['base-url']);
  if (sub === 'add' && values['api-key-stdin'] !== true) {
    throw new ConfigError(
      '--api-key-stdin',
      `is required: pipe the key in, e.g. printf '%s' "$KEY" | cliniko-bridge accounts add ${id} --api-key-stdin (keys never go on the command line)`,
    );
  }
  if (sub === 'purge' && values.yes !== true) {
    throw new ConfigError(
      '--yes',
      `purge deletes the state and stored key of ${id} for good; add --yes to confirm (remove keeps them)`,
    );
  }
  const apiKey = sub === 'add' ? apiKeyFrom(await deps.readStdin(), baseUrl) : '';

  const state = await openState(location, io.env);
  try {
    const { registry } = state;
    const at = deps.now().toISOString();
    switch (sub) {
      case 'add': {
        const store = deps.keyStore(keyStoreKind ?? 'local', location);
        const existing = await registry.get(id);
        const ref = await store.put(id, apiKey);
        const entry: RegisteredAccount = {
          id,
          apiKey: ref,
          ...(baseUrl ? { baseUrl } : {}),
          ...(streams ? { streams: values.streams?.split(',').map((s) => s.trim()) ?? [] } : {}),
          paused: existing?.paused ?? false,
          origin: 'cli',
          addedAt: existing?.addedAt ?? at,
          updatedAt: at,
        };
        await registry.put(entry);
        const what = existing ? 'updated' : 'added';
        printResult(
          io.stdout,
          values.json === true,
          { account: id, [what]: true, key: store.describe(id) },
          () =>
            `Account ${id} ${what}; its key is in ${store.describe(id)}. The next dispatcher tick polls it.\n`,
        );
        return 0;
      }
      case 'list':
        return await list(registry, state, io, values.json === true);
      case 'pause':
      case 'resume':
        await existingAccount(registry, id);
        await registry.setPaused(id, sub === 'pause', at);
        printResult(
          io.stdout,
          values.json === true,
          { account: id, paused: sub === 'pause' },
          () => `Account ${id} ${sub === 'pause' ? 'paused: no more polls until resumed' : 'resumed'}.\n`,
        );
        return 0;
      case 'remove':
        await existingAccount(registry, id);
        await registry.remove(id);
        printResult(
          io.stdout,
          values.json === true,
          { account: id, removed: true },
          () =>
            `Account ${id} removed: it is no longer polled. Its state and key are kept; \`accounts add ${id}\` resumes it, \`accounts purge ${id} --yes\` deletes them.\n`,
        );
        return 0;
      case 'purge': {
        const entry = await registry.get(id);
        if (entry !== undefined) await registry.remove(id);
        const items = await purgeState(state.table, id);
        // The entry names where the key is; once `remove` dropped it, wherever `add` stores keys.
        const places =
          entry !== undefined
            ? [entry.apiKey]
            : (location.kind === 'table' ? (['secretsmanager', 'ssm'] as const) : (['local'] as const)).map(
                (kind) => defaultKeyRef(kind, id),
              );
        const deleted: string[] = [];
        for (const ref of places) {
          const store = deps.keyStore(ref.store, location);
          if (await store.delete(id, ref)) deleted.push(store.describe(id));
        }
        const key = deleted.length === 0 ? 'none stored' : `deleted from ${deleted.join(' and ')}`;
        printResult(
          io.stdout,
          values.json === true,
          { account: id, purged: true, stateItems: items, keysDeleted: deleted.length },
          () => `Account ${id} purged: ${items} state item${items === 1 ? '' : 's'} deleted; key ${key}.\n`,
        );
        return 0;
      }
    }
  } finally {
    await state.close();
  }
}

async function list(
  registry: AccountRegistry,
  state: OpenedState,
  io: CommandIo,
  json: boolean,
): Promise<number> {
  const accounts = await registry.list();
  const statuses = await state.store.getAccountStatuses(accounts.map((a) => a.id));
  const rows = accounts.map((account) => {
    const status = statuses.get(account.id);
    return {
      account: account.id,
      streams: account.streams?.join(',') ?? 'core',
      paused: account.paused,
      keyStore: account.apiKey.store,
      lastSuccessAt: status?.lastSuccessAt ?? null,
      lastRun: status?.lastRun?.outcome ?? null,
      lagSeconds: status?.lastRun?.lagSeconds ?? null,
    };
  });
  if (!json && rows.length === 0) {
    io.stdout.write(
      'No accounts registered. Add one with `cliniko-bridge accounts add ID --api-key-stdin`.\n',
    );
    return 0;
  }
  printListing(
    io.stdout,
    json,
    [
      { title: 'account', cell: (r) => r.account },
      { title: 'streams', cell: (r) => r.streams },
      { title: 'paused', cell: (r) => (r.paused ? 'yes' : 'no') },
      { title: 'last success', cell: (r) => r.lastSuccessAt ?? 'never' },
      { title: 'last run', cell: (r) => r.lastRun ?? '-' },
      { title: 'lag', cell: (r) => (r.lagSeconds === null ? '-' : `${r.lagSeconds} s`) },
    ],
    rows,
  );
  return 0;
}

function checkAccountId(id: string | undefined): asserts id is string {
  if (id === undefined) {
    throw new ConfigError('ID', 'name the account, e.g. cliniko-bridge accounts pause harbourside-physio');
  }
  configFlag('--account', id, { name: 'ID' });
}

async function existingAccount(registry: AccountRegistry, id: string): Promise<RegisteredAccount> {
  const entry = await registry.get(id);
  if (entry !== undefined) return entry;
  const near = closest(
    id,
    (await registry.list()).map((a) => a.id),
  );
  if (near !== undefined) {
    throw new ConfigError('ID', `no account "${id}" is registered (did you mean "${near}"?)`);
  }
  throw new AccountNotFoundError(id);
}

function keyStoreOf(text: string | undefined, location: StateLocation): KeyStoreKind {
  if (text === undefined) return location.kind === 'table' ? 'secretsmanager' : 'local';
  if (!(KEY_STORES as readonly string[]).includes(text)) {
    throw new ConfigError('--key-store', `must be one of ${KEY_STORES.join(', ')}`);
  }
  if (text === 'local' && location.kind !== 'dir') {
    throw new ConfigError(
      '--key-store',
      'local keys stay beside a --state-dir; a deployed table needs secretsmanager or ssm, which the poller can read',
    );
  }
  return text as KeyStoreKind;
}

/** The key from stdin: one line, no spaces, with a shard suffix unless a base URL is given. */
function apiKeyFrom(text: string, baseUrl: string | undefined): string {
  const key = text.trim();
  if (key === '') {
    throw new ConfigError(
      '--api-key-stdin',
      'read nothing from stdin; pipe the key in, e.g. printf "%s" "$KEY" | …',
    );
  }
  if (/\s/.test(key) || key.length > 512) {
    throw new ConfigError(
      '--api-key-stdin',
      'stdin holds more than one API key (it has spaces or several lines)',
    );
  }
  requireBaseUrlForSimulatorKey(key, baseUrl);
  if (baseUrl === undefined) baseUrlForKey(key);
  return key;
}

/** Deletes every item of the account: each stream's cursor and record states, and its lease. */
async function purgeState(table: OpenedState['table'], account: string): Promise<number> {
  const documents = DynamoDBDocumentClient.from(table.client as DynamoDBClient);
  let deleted = 0;
  for (const pk of [...STREAM_NAMES.map((stream) => streamPk(account, stream)), accountPk(account)]) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: startKey,
        }),
      );
      const keys = (page.Items ?? []).map((item) => ({ pk: item.pk, sk: item.sk }));
      for (let i = 0; i < keys.length; i += 25) {
        let pending: Record<string, { DeleteRequest: { Key: Record<string, unknown> } }[]> | undefined = {
          [table.tableName]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })),
        };
        while (pending && Object.keys(pending).length > 0) {
          const output = await documents.send(new BatchWriteCommand({ RequestItems: pending }));
          pending = output.UnprocessedItems as typeof pending;
        }
      }
      deleted += keys.length;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }
  return deleted;
}
