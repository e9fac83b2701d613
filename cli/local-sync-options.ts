/**
 * The engine options of a local command's account (`run`, `resync`), from the same configuration
 * schema and defaults as the Lambda poller: the flags stand in for a config of one account.
 */
import {
  type BridgeConfig,
  parseBridgeConfig,
  type SyncRuntime,
  syncOptionsFor,
} from '../shared/config/index.js';
import type { SyncOptions } from '../shared/engine/sync.js';
import { maxEntryBytesFor } from '../shared/sinks/sink-spec.js';
import type { EngineOptions } from './run-options.js';

export function localSyncOptions(
  options: EngineOptions & { readonly startFrom: string },
  runtime: SyncRuntime,
): SyncOptions {
  return syncOptionsFor(localConfig(options), options.account, runtime);
}

/** The flags as the configuration of one account. */
export function localConfig(options: EngineOptions & { readonly startFrom: string }): BridgeConfig {
  return parseBridgeConfig({
    accounts: [
      { id: options.account, apiKeySecret: 'local-run', streams: options.streams.map((s) => s.name) },
    ],
    userAgent: options.userAgent,
    // Without --payload the mode is left to each stream's data class, as in a config without one.
    payload: { default: options.payload === undefined ? {} : { mode: options.payload } },
    startFrom: options.startFrom,
    // Events are built once for every sink: a webhook among them keeps its own, smaller limit.
    maxEntryBytes: maxEntryBytesFor(options.sinks),
  });
}
