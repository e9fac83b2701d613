/**
 * Keys the built-in simulator issues end in `-xx1` (simulator/seed.ts): shaped like a Cliniko shard
 * suffix but naming no shard, so such a key is never sent to a real Cliniko host. Without `--base-url`
 * the bridge would derive `https://api.xx1.cliniko.com`, a host that does not exist, and wait out
 * its DNS retries; it says what to do instead.
 */
import { ConfigError } from '../shared/errors.js';

const SIMULATOR_SUFFIX = /-xx1$/i;

export function looksLikeSimulatorKey(apiKey: string): boolean {
  return SIMULATOR_SUFFIX.test(apiKey.trim());
}

/** Throws a `ConfigError` for `--base-url` when a simulator key comes without one. */
export function requireBaseUrlForSimulatorKey(apiKey: string, baseUrl: string | undefined): void {
  if (baseUrl !== undefined || !looksLikeSimulatorKey(apiKey)) return;
  throw new ConfigError(
    '--base-url',
    'the API key looks like a key of the Cliniko simulator (it ends in -xx1, a shard that does not exist), ' +
      "so there is no Cliniko host to derive from it: pass the simulator's base URL, e.g. " +
      "--base-url http://127.0.0.1:8080/v1 (the simulator's ready line prints it as baseUrl)",
  );
}
