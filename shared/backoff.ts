/**
 * Retry delays and the one sleep every retry loop of the project uses. Full jitter (a uniform
 * delay between 0 and the capped exponential) spreads retries of many pollers apart after a shared
 * outage, which plain exponential backoff does not.
 *
 * Calls to AWS are retried by the SDK itself (`shared/aws/client-defaults.ts`); the loops here are
 * the ones the SDK cannot run: Cliniko requests, unprocessed DynamoDB batch items, PutEvents entries
 * that failed inside an accepted call, webhook deliveries.
 */

/** Waits `ms` milliseconds, or less when `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export interface BackoffOptions {
  /** Delay scale of the first retry, ms. @default 200 */
  readonly baseMs: number;
  /** Upper bound of any single delay, ms. @default 5000 */
  readonly capMs: number;
  /** Uniform random in [0, 1). */
  readonly random: () => number;
}

/** The capped exponential ceiling for retry number `retry` (0-based). */
export function backoffCeiling(retry: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, retry));
}

/** Full-jitter delay in [0, min(cap, base·2^retry)], whole milliseconds. */
export function fullJitterDelay(retry: number, options: BackoffOptions): number {
  const ceiling = backoffCeiling(retry, options.baseMs, options.capMs);
  return Math.floor(clampUnit(options.random()) * ceiling);
}

/**
 * Equal jitter: at least half the ceiling. Used for 429s without a reset time, where retrying
 * at once (which full jitter allows) would only burn another request of the budget.
 */
export function equalJitterDelay(retry: number, options: BackoffOptions): number {
  const ceiling = backoffCeiling(retry, options.baseMs, options.capMs);
  return Math.floor(ceiling / 2 + (clampUnit(options.random()) * ceiling) / 2);
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 0.999_999 : value;
}
