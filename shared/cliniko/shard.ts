/**
 * Where a Cliniko API key lives. Keys end in `-<shard>` (e.g. `…-au2`); keys without a suffix
 * are old `au1` keys. Only the text after the LAST dash counts, because nothing promises that
 * the key body itself is dash-free.
 */

export const DEFAULT_SHARD = 'au1';

const SHARD_PATTERN = /^[a-z]{2}\d{1,2}$/i;

export interface ShardBaseUrl {
  /** e.g. `https://api.au2.cliniko.com/v1`, no trailing slash. */
  readonly baseUrl: string;
  /** Lower-case shard, e.g. `au2`. */
  readonly shard: string;
}

/** The sharded base URL for an API key; falls back to `au1` when the key has no valid suffix. */
export function baseUrlForKey(apiKey: string): ShardBaseUrl {
  const dash = apiKey.lastIndexOf('-');
  const suffix = dash === -1 ? '' : apiKey.slice(dash + 1).trim();
  const shard = SHARD_PATTERN.test(suffix) ? suffix.toLowerCase() : DEFAULT_SHARD;
  return { baseUrl: `https://api.${shard}.cliniko.com/v1`, shard };
}
