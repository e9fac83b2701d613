/** The bridge's validated configuration: one schema for the CDK app, the poller Lambda and the CLI. */
export { parseBridgeConfig, parseBridgeConfigJson } from './parse.js';
export {
  ACCOUNT_ID_PATTERN,
  type AccountConfig,
  AllowClassesSchema,
  type BridgeConfig,
  type BridgeConfigInput,
  BridgeConfigSchema,
  CONFIG_DEFAULTS,
  type EventBusConfig,
  LOG_RETENTION_DAYS,
  MAX_ENTRY_BYTES_LIMIT,
  type PayloadSettings,
} from './schema.js';
export {
  accountConfig,
  DEFAULT_DEADLINE_MARGIN_MS,
  DEFAULT_LEASE_TTL_MS,
  eventOptionsFor,
  payloadSettingsFor,
  plannerSettingsFor,
  pollLoopOptionsFor,
  type ResolvedPayloadSettings,
  type SyncRuntime,
  streamsFor,
  syncOptionsFor,
} from './sync-options.js';
