/**
 * Derives the engine's options from the validated configuration, so the Lambda and the CLI run
 * `syncAccount` with identical settings for the same config.
 */
import { defaultPayloadModeFor } from '../data-classes.js';
import type { PollLoopOptions } from '../engine/poll-loop.js';
import {
  DEFAULT_PLANNER_SETTINGS,
  type PlannerSettings,
  type PollTier,
  type TierTiming,
} from '../engine/poll-planner.js';
import { DEFAULT_SYNC_TIMING, type SyncOptions } from '../engine/sync.js';
import { ConfigError } from '../errors.js';
import type { EventOptions } from '../events/build.js';
import type { PayloadMode } from '../events/contract.js';
import { expandStreamSelection, findStream, type StreamDefinition } from '../streams.js';
import type { AccountConfig, BridgeConfig, PayloadOverride, PayloadSettings } from './schema.js';

/** What only the running process knows: where it runs and how long it may take. */
export interface SyncRuntime {
  /** Envelope `account` of the events: the AWS account id, or `'local'`. @default 'local' */
  readonly awsAccount?: string;
  /** Envelope `region` of the events. @default 'local' */
  readonly region?: string;
  /** Epoch ms by which the run must have checkpointed and stopped (the Lambda deadline). */
  readonly deadline?: number;
  /** No new page starts later than this before `deadline`. @default 30000 (the engine's default) */
  readonly deadlineMarginMs?: number;
  /** The lease's time to live (renewed while running); a crashed poller blocks the account at most this long. @default 120000 */
  readonly leaseTtlMs?: number;
  /** Reconcile every stream in this run, whenever the last reconciliation was. @default false */
  readonly forceReconcile?: boolean;
  /**
   * Time between two runs, which sizes the requests reconciliation may take per run (its share of
   * the rate budget over this time); `null`: no limit (a run that must finish everything).
   * @default pollRateMinutes of the config
   */
  readonly pollIntervalMs?: number | null;
  readonly signal?: AbortSignal;
}

export const DEFAULT_DEADLINE_MARGIN_MS = DEFAULT_SYNC_TIMING.deadlineMarginMs;
export const DEFAULT_LEASE_TTL_MS = DEFAULT_SYNC_TIMING.leaseTtlMs;

/** The account's entry, or a `ConfigError` listing the configured ids. */
export function accountConfig(config: BridgeConfig, accountId: string): AccountConfig {
  const account = config.accounts.find((a) => a.id === accountId);
  if (!account) {
    throw new ConfigError(
      'account',
      `no account "${accountId}" is configured; use one of: ${config.accounts.map((a) => a.id).join(', ')}`,
    );
  }
  return account;
}

/** What the engine options of an account depend on: a configured or a registered account. */
export interface AccountSettings {
  readonly id: string;
  readonly streams?: readonly string[] | undefined;
  /** Per-stream payload overrides of this account, over the config's. */
  readonly payload?: Readonly<Record<string, PayloadOverride>> | undefined;
}

/** The streams an account polls: its selection (`core` by default), sets expanded. */
export function streamsFor(account: Pick<AccountSettings, 'streams'>): StreamDefinition[] {
  return expandStreamSelection(account.streams ?? ['core']).flatMap((name) => {
    const stream = findStream(name);
    return stream ? [stream] : [];
  });
}

/** Payload settings with the mode decided. */
export type ResolvedPayloadSettings = PayloadSettings & { readonly mode: PayloadMode };

/**
 * `payload.default` with the stream's overrides applied key by key, then the account's. The mode is
 * the first one stated (the account's for the stream, the config's for the stream, `payload.default`),
 * else the default of the stream's data class (`changes` for personal and clinical records, `full`
 * for the others): a mode the configuration states always wins.
 */
export function payloadSettingsFor(
  config: BridgeConfig,
  stream: string,
  account?: Pick<AccountSettings, 'payload'>,
): ResolvedPayloadSettings {
  const configured = mergedSettings(config.payload.default, config.payload.streams[stream] ?? {});
  return withMode(
    mergedSettings(configured, account?.payload?.[stream] ?? {}),
    defaultPayloadModeFor(stream),
  );
}

/** The envelope and payload options of a stream's events. */
export function eventOptionsFor(
  config: BridgeConfig,
  stream: string,
  runtime: SyncRuntime = {},
): EventOptions {
  return eventOptionsOf(config, payloadSettingsFor(config, stream), runtime);
}

function mergedSettings(base: PayloadSettings, override: PayloadOverride): PayloadSettings {
  const include = override.include ?? base.include;
  const exclude = override.exclude ?? base.exclude;
  return {
    mode: override.mode ?? base.mode,
    previous: override.previous ?? base.previous,
    ...(include ? { include } : {}),
    ...(exclude ? { exclude } : {}),
  };
}

/** The settings with a mode: the one they state, else `fallback` (`mode` stays the first key). */
function withMode(settings: PayloadSettings, fallback: PayloadMode): ResolvedPayloadSettings {
  return { ...settings, mode: settings.mode ?? fallback };
}

function eventOptionsOf(
  config: BridgeConfig,
  payload: ResolvedPayloadSettings,
  runtime: SyncRuntime,
): EventOptions {
  return {
    source: config.source,
    awsAccount: runtime.awsAccount ?? 'local',
    region: runtime.region ?? 'local',
    payload: payload.mode,
    ...(payload.include ? { include: payload.include } : {}),
    ...(payload.exclude ? { exclude: payload.exclude } : {}),
    maxEntryBytes: config.maxEntryBytes,
  };
}

/**
 * The `syncAccount` options for one account: one run over all its streams, each with the event
 * settings it resolves to (`payload.default`, its data class's default mode, its own overrides).
 */
export function syncOptionsFor(
  config: BridgeConfig,
  accountId: string,
  runtime: SyncRuntime = {},
): SyncOptions {
  return syncOptionsForAccount(config, accountConfig(config, accountId), runtime);
}

/** `syncOptionsFor` of an account given by its settings (a registered account of a fleet). */
export function syncOptionsForAccount(
  config: BridgeConfig,
  account: AccountSettings,
  runtime: SyncRuntime = {},
): SyncOptions {
  const streams = streamsFor(account).map((definition) => {
    const settings = payloadSettingsFor(config, definition.name, account);
    return {
      definition,
      event: eventOptionsOf(config, settings, runtime),
      storeSnapshots: settings.previous,
    };
  });
  return {
    account: account.id,
    streams,
    startFrom:
      config.startFrom === 'now' || config.startFrom === 'beginning'
        ? config.startFrom
        : { at: config.startFrom },
    overlapSeconds: config.overlapSeconds,
    settleSeconds: config.settleSeconds,
    deletedFeedIntervalSeconds: config.deletedFeedIntervalSeconds,
    // Zero makes every stream due for reconciliation in this run.
    reconcileIntervalSeconds: runtime.forceReconcile
      ? 0
      : config.reconciliation.enabled
        ? config.reconciliation.intervalHours * 3600
        : null,
    ...reconcileBudgetOf(config, runtime),
    leaseTtlMs: runtime.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
    ...(runtime.deadline === undefined ? {} : { deadline: runtime.deadline }),
    deadlineMarginMs: runtime.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS,
    ...(runtime.signal ? { signal: runtime.signal } : {}),
  };
}

/** The requests the id listings may take per run: their share of the rate budget between two runs. */
function reconcileBudgetOf(config: BridgeConfig, runtime: SyncRuntime): { reconcileRequestsPerRun?: number } {
  const intervalMs =
    runtime.pollIntervalMs === undefined ? config.pollRateMinutes * 60_000 : runtime.pollIntervalMs;
  if (intervalMs === null || runtime.forceReconcile) return {};
  const perRun = (config.reconciliation.requestShare * config.rateLimitPerMinute * intervalMs) / 60_000;
  return { reconcileRequestsPerRun: Math.max(1, Math.floor(perRun)) };
}

/**
 * The poll loop's options for `sync` (`adaptive` polling): the planner's settings, and the id
 * listings' share of the rate limit as requests per minute (a round takes what accrued since the
 * last, where `sync` limits them at all).
 */
export function pollLoopOptionsFor(config: BridgeConfig, sync: SyncOptions): PollLoopOptions {
  return {
    ...sync,
    planner: plannerSettingsFor(config),
    reconcileRequestsPerMinute: config.reconciliation.requestShare * config.rateLimitPerMinute,
  };
}

/** The poll planner's settings: the config's `polling` over the documented defaults. */
export function plannerSettingsFor(config: BridgeConfig): PlannerSettings {
  const polling = config.polling;
  const defaults = DEFAULT_PLANNER_SETTINGS;
  // Field by field: a member present but undefined (a config built in code) keeps its default.
  const tier = (name: PollTier): TierTiming => {
    const fallback = defaults.tiers[name];
    const given = polling.tiers?.[name];
    return {
      floorSeconds: given?.floorSeconds ?? fallback.floorSeconds,
      ceilingSeconds: given?.ceilingSeconds ?? fallback.ceilingSeconds,
      lifecycleSeconds: given?.lifecycleSeconds ?? fallback.lifecycleSeconds,
    };
  };
  return {
    tiers: { hot: tier('hot'), warm: tier('warm'), cold: tier('cold') },
    streamTiers: { ...defaults.streamTiers, ...polling.streamTiers },
    backoffFactor: polling.backoffFactor ?? defaults.backoffFactor,
    boosts: defaults.boosts,
    boostSeconds: polling.boostSeconds ?? defaults.boostSeconds,
    budgetShare: polling.budgetShare ?? defaults.budgetShare,
    rateLimitPerMinute: config.rateLimitPerMinute,
  };
}
