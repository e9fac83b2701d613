/** The Cliniko API client and its building blocks. */
export { type BackoffOptions, backoffCeiling, equalJitterDelay, fullJitterDelay } from '../backoff.js';
export { ClinikoClient, type ClinikoStats, type WriteMethod } from './client.js';
export { accountKey, type ClinikoClientOptions } from './client-options.js';
export { parseLosslessJson, quoteUnsafeIntegers } from './lossless-json.js';
export { MIN_RATE_LIMIT_WAIT_MS, rateLimitWaitMs } from './rate-limit.js';
export { normaliseIds } from './record-ids.js';
export { baseUrlForKey, DEFAULT_SHARD, type ShardBaseUrl } from './shard.js';
export {
  DEFAULT_BUCKET_CAPACITY,
  DEFAULT_RATE_PER_MINUTE,
  sharedTokenBuckets,
  TokenBucket,
  type TokenBucketOptions,
  TokenBucketRegistry,
} from './token-bucket.js';
export { USER_AGENT_EXAMPLE, validateUserAgent } from './user-agent.js';
