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

/** The knobs of a loop that resends what failed; each adapter documents its own defaults. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts?: number | undefined;
  /** Scale of the first retry's delay, ms. */
  readonly baseDelayMs?: number | undefined;
  /** Upper bound of any single delay, ms. */
  readonly maxDelayMs?: number | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** In [0, 1). @default Math.random */
  readonly random?: (() => number) | undefined;
}

/** A retry loop's policy: how many attempts, and full-jitter waits between them. */
export class Retries {
  readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    options: RetryOptions,
    defaults: { readonly maxAttempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number },
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? defaults.maxAttempts);
    this.backoff = {
      baseMs: options.baseDelayMs ?? defaults.baseDelayMs,
      capMs: options.maxDelayMs ?? defaults.maxDelayMs,
      random: options.random ?? Math.random,
    };
    this.sleep = options.sleep ?? sleep;
  }

  /** The full-jitter delay before retry number `retry` (0 for the first retry). */
  delay(retry: number): number {
    return fullJitterDelay(retry, this.backoff);
  }

  /** Waits `ms`, or the full-jitter delay before retry number `retry`. */
  wait(retry: number, ms: number = this.delay(retry)): Promise<void> {
    return this.sleep(ms);
  }
}
