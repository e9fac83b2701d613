/**
 * How long to wait after a 429. Cliniko sends `X-RateLimit-Reset` as epoch SECONDS; the wait is
 * measured against the local clock. Without a usable header the client backs off exponentially.
 */
import { equalJitterDelay } from '../backoff.js';

/** Smallest wait after a 429, so a local clock running ahead of Cliniko's cannot cause a hot loop. */
export const MIN_RATE_LIMIT_WAIT_MS = 500;

export function rateLimitWaitMs(
  resetHeader: string | undefined,
  nowMs: number,
  retry: number,
  options: { readonly random: () => number },
): number {
  const reset =
    resetHeader !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(resetHeader) ? Number(resetHeader) : Number.NaN;
  if (Number.isFinite(reset)) return Math.max(MIN_RATE_LIMIT_WAIT_MS, Math.ceil(reset * 1000 - nowMs));
  return equalJitterDelay(retry, { baseMs: 1_000, capMs: 30_000, random: options.random });
}
