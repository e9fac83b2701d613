/**
 * The account registry: which Cliniko accounts a deployment polls, kept in the state table so
 * accounts come and go at runtime (`cliniko-bridge accounts add|pause|resume|remove`) without a
 * redeploy. The CDK config's `accounts[]` seeds it (`seedRegistry`); the dispatcher reads it every
 * tick.
 *
 * | item    | pk         | sk                 | attributes |
 * |---------|------------|--------------------|------------|
 * | account | `REGISTRY` | `ACCOUNT#<id>`     | the `RegisteredAccount` fields |
 * | seeding | `REGISTRY` | `SEEDED`           | `version` (the configuration last seeded from), `at` |
 *
 * One partition: a fleet of hundreds of accounts is read with one paginated Query per tick
 * (docs/design.md, State schema; Fleet).
 */
import type { PayloadOverride } from '../config/schema.js';

/** Where an account's Cliniko API key is kept. The registry holds the reference, never the key. */
export type ApiKeyRef =
  /** A Secrets Manager secret (name or ARN): the key itself, or JSON `{"apiKey": "…"}`. */
  | { readonly store: 'secretsmanager'; readonly secretId: string }
  /** An SSM Parameter Store SecureString. */
  | { readonly store: 'ssm'; readonly parameter: string }
  /** The key file of a local `--state-dir` (0600), by account id. */
  | { readonly store: 'local' };

export interface RegisteredAccount {
  /** Account id: keys its state and lease, and is `detail.account` of its events. */
  readonly id: string;
  readonly apiKey: ApiKeyRef;
  /** Absent: derived from the key's shard suffix. */
  readonly baseUrl?: string;
  /** Stream names and sets (`core`, `all`); absent: `core`. */
  readonly streams?: readonly string[];
  /** Per-stream payload overrides for this account, over the deployment's `payload`. */
  readonly payload?: Readonly<Record<string, PayloadOverride>>;
  /** A paused account is kept (state and key) but not dispatched. */
  readonly paused: boolean;
  /** Who registered it: the deployment's config (re-seeded on deploy) or the `accounts` command. */
  readonly origin: 'config' | 'cli';
  /** ISO instants. */
  readonly addedAt: string;
  readonly updatedAt: string;
}

export interface AccountRegistry {
  /** Every registered account, in id order. */
  list(): Promise<RegisteredAccount[]>;
  get(id: string): Promise<RegisteredAccount | undefined>;
  /** Adds or replaces an account; with `ifAbsent`, only adds (and answers false when it exists). */
  put(account: RegisteredAccount, options?: { readonly ifAbsent?: boolean }): Promise<boolean>;
  /** `AccountNotFoundError` when the account is not registered. */
  setPaused(id: string, paused: boolean, at: string): Promise<void>;
  /** Unregisters the account; its state stays until purged. `AccountNotFoundError` when absent. */
  remove(id: string): Promise<void>;
  /** Which configuration the registry was last seeded from (see seed.ts), if any. */
  seededFrom(): Promise<string | undefined>;
  markSeeded(version: string, at: string): Promise<void>;
}

/**
 * Where API keys live: the Secrets Manager names (`cliniko/<id>`) and SSM parameter paths
 * (`/cliniko/<id>`) `cliniko-bridge accounts add` stores them under, and the only ones the
 * deployed poller may read.
 */
export const API_KEY_PREFIX = 'cliniko/';

export const REGISTRY_PK = 'REGISTRY';
export const registrySk = (id: string): string => `ACCOUNT#${id}`;
export const SEEDED_SK = 'SEEDED';
