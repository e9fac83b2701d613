/**
 * Cliniko's per-key request budget: fixed one-minute windows on the REAL clock (a frozen simulated
 * clock must not freeze the budget), 429 with `X-RateLimit-Reset` in epoch seconds when exceeded.
 */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly resetEpochSeconds: number };

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    public limitPerMinute: number,
    private readonly realNow: () => number = Date.now,
  ) {}

  take(apiKey: string): RateDecision {
    const now = this.realNow();
    const start = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    let window = this.windows.get(apiKey);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(apiKey, window);
    }
    window.count += 1;
    if (window.count <= this.limitPerMinute) return { allowed: true };
    return { allowed: false, resetEpochSeconds: (start + WINDOW_MS) / 1000 };
  }
}
