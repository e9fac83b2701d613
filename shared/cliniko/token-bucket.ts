/**
 * Client-side rate budget. Cliniko allows 200 requests per minute per user; every stream of an
 * account draws from ONE bucket so concurrent streams cannot add up past the limit.
 *
 * Reservation model: `take()` debits a token immediately (the balance may go negative) and
 * sleeps until that token will have accrued, so concurrent callers queue fairly without a lock.
 */
import { sleep } from '../backoff.js';

export interface TokenBucketOptions {
  /** Sustained rate. @default 200 */
  readonly ratePerMinute?: number;
  /**
   * Largest burst. @default min(ratePerMinute, 10): 10 requests is enough for a poll cycle's
   * first page of each stream, while any 60 s window stays within rate + 10 (5% over the
   * nominal 200/min, absorbed by the 429 handling) instead of doubling the rate after idling.
   */
  readonly capacity?: number;
  /** Clock in epoch ms. @default Date.now */
  readonly now?: () => number;
  /** @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RATE_PER_MINUTE = 200;
export const DEFAULT_BUCKET_CAPACITY = 10;

export class TokenBucket {
  readonly ratePerMinute: number;
  readonly capacity: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly perMs: number;
  private tokens: number;
  /** Time up to which tokens have been credited; in the future while paused. */
  private creditedAt: number;

  constructor(options: TokenBucketOptions = {}) {
    const rate = options.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE;
    if (!Number.isFinite(rate) || rate <= 0) throw new RangeError('ratePerMinute must be a positive number');
    const capacity = options.capacity ?? Math.max(1, Math.min(rate, DEFAULT_BUCKET_CAPACITY));
    if (!Number.isFinite(capacity) || capacity < 1) throw new RangeError('capacity must be at least 1');
    this.ratePerMinute = rate;
    this.capacity = capacity;
    this.perMs = rate / 60_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
    this.tokens = capacity;
    this.creditedAt = this.now();
  }

  /** Tokens available right now (negative while callers wait for reserved tokens). */
  available(): number {
    this.refill(this.now());
    return this.tokens;
  }

  /** Debits one token and returns how long the caller must wait before using it, in ms. */
  reserve(): number {
    const now = this.now();
    this.refill(now);
    this.tokens -= 1;
    const paused = Math.max(0, this.creditedAt - now);
    const deficit = this.tokens >= 0 ? 0 : -this.tokens / this.perMs;
    return Math.ceil(paused + deficit);
  }

  /**
   * Waits until a token is available and takes it. With a `deadline` (epoch ms) a token that would
   * only come later is not taken at all: `false`, and the caller stops instead of waiting.
   */
  async take(deadline?: number): Promise<boolean> {
    if (deadline !== undefined && this.now() + this.waitForToken() > deadline) return false;
    const wait = this.reserve();
    if (wait > 0) await this.sleep(wait);
    return true;
  }

  /** How long the next caller would wait for a token, without taking one. */
  private waitForToken(): number {
    const now = this.now();
    this.refill(now);
    const paused = Math.max(0, this.creditedAt - now);
    const deficit = this.tokens - 1 >= 0 ? 0 : -(this.tokens - 1) / this.perMs;
    return Math.ceil(paused + deficit);
  }

  /**
   * Holds every caller of this account until `epochMs` (Cliniko said 429 until then) and
   * restarts from an empty bucket, so the account's streams do not each discover the 429.
   */
  pauseUntil(epochMs: number): void {
    this.refill(this.now());
    if (epochMs > this.creditedAt) {
      this.tokens = Math.min(this.tokens, 0);
      this.creditedAt = epochMs;
    }
  }

  private refill(now: number): void {
    if (now <= this.creditedAt) return;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.creditedAt) * this.perMs);
    this.creditedAt = now;
  }
}

/**
 * Process-wide buckets keyed by account, so two clients of one account share a budget.
 * The first client to ask for an account fixes its rate.
 */
export class TokenBucketRegistry {
  private readonly buckets = new Map<string, TokenBucket>();

  bucketFor(account: string, options: TokenBucketOptions = {}): TokenBucket {
    let bucket = this.buckets.get(account);
    if (!bucket) {
      bucket = new TokenBucket(options);
      this.buckets.set(account, bucket);
    }
    return bucket;
  }

  /** Forgets every bucket (tests, or a long-lived process re-reading its config). */
  clear(): void {
    this.buckets.clear();
  }
}

export const sharedTokenBuckets = new TokenBucketRegistry();
