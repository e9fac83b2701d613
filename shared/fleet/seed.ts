/**
 * Seeds the account registry from a configuration's `accounts`: the deployment's config (the
 * dispatcher seeds on its first tick after a deploy that changed it: `seedOnce`) or a local
 * `run --config` file. Accounts the
 * config lists are added when missing and brought in line with it when the config registered them
 * (key reference, base URL, streams, payload), keeping their `paused` flag: pausing is a runtime
 * decision. Accounts added with `cliniko-bridge accounts add` are never overwritten by a config;
 * an account removed from the config stays registered until `accounts remove`, and one removed with
 * `accounts remove` comes back only when a changed configuration that still lists it is deployed.
 */

import type { AccountConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { AccountRegistry, ApiKeyRef, RegisteredAccount } from './registry.js';

export interface SeedResult {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Listed by the config but registered by the `accounts` command: left as they are. */
  readonly conflicts: number;
}

/** The key reference a configured account names. */
export function apiKeyRefOf(account: AccountConfig): ApiKeyRef {
  if (typeof account.apiKeySecret !== 'string') {
    // Refused at synth; a local run stores it in its key file and seeds with a local reference.
    throw new ConfigError(
      'accounts[].apiKeySecret',
      `account ${account.id}: an inline key is for local runs only`,
    );
  }
  return { store: 'secretsmanager', secretId: account.apiKeySecret };
}

export async function seedRegistry(
  registry: AccountRegistry,
  accounts: readonly AccountConfig[],
  now: string,
  keyRef: (account: AccountConfig) => ApiKeyRef = apiKeyRefOf,
): Promise<SeedResult> {
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  let conflicts = 0;
  for (const account of accounts) {
    const existing = await registry.get(account.id);
    if (existing !== undefined && existing.origin !== 'config') {
      conflicts += 1;
      continue;
    }
    const fields = {
      id: account.id,
      apiKey: keyRef(account),
      ...(account.baseUrl ? { baseUrl: account.baseUrl } : {}),
      ...(account.streams ? { streams: account.streams } : {}),
    };
    if (existing === undefined) {
      const entry: RegisteredAccount = {
        ...fields,
        paused: false,
        origin: 'config',
        addedAt: now,
        updatedAt: now,
      };
      if (await registry.put(entry, { ifAbsent: true })) added += 1;
      else conflicts += 1;
      continue;
    }
    const next: RegisteredAccount = {
      ...fields,
      paused: existing.paused,
      origin: 'config',
      addedAt: existing.addedAt,
      updatedAt: existing.updatedAt,
    };
    if (sameSettings(existing, next)) {
      unchanged += 1;
      continue;
    }
    await registry.put({ ...next, updatedAt: now });
    updated += 1;
  }
  return { added, updated, unchanged, conflicts };
}

function sameSettings(a: RegisteredAccount, b: RegisteredAccount): boolean {
  const settings = (x: RegisteredAccount) =>
    JSON.stringify([x.apiKey, x.baseUrl ?? null, x.streams ?? null, x.payload ?? null]);
  return settings(a) === settings(b);
}

/**
 * Seeds from the configuration `version` (its deployed object's key, which changes with its
 * content) unless the registry was last seeded from that very version: a dispatcher container
 * starting again must not undo an `accounts remove`. Answers the counts, or `undefined` when skipped.
 */
export async function seedOnce(
  registry: AccountRegistry,
  accounts: readonly AccountConfig[],
  version: string,
  now: string,
): Promise<SeedResult | undefined> {
  if ((await registry.seededFrom()) === version) return undefined;
  const result = await seedRegistry(registry, accounts, now);
  await registry.markSeeded(version, now);
  return result;
}
