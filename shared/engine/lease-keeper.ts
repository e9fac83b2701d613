/**
 * Holds the account's lease for a run (invariant 7): acquires it, renews it before it can expire
 * and hands out its fencing token for state writes.
 */
import type { Lease, Logger, StateStore } from './ports.js';

export class LeaseKeeper {
  private constructor(
    private readonly state: StateStore,
    private lease: Lease,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** `undefined` when another poller holds an unexpired lease on the account. */
  static async acquire(
    state: StateStore,
    account: string,
    owner: string,
    ttlMs: number,
    now: () => number,
  ): Promise<LeaseKeeper | undefined> {
    const lease = await state.acquireLease(account, owner, ttlMs, now());
    return lease === undefined ? undefined : new LeaseKeeper(state, lease, ttlMs, now);
  }

  get token(): number {
    return this.lease.token;
  }

  /** Renews once less than half the TTL is left; throws `LeaseLostError` if it was taken over. */
  async keep(): Promise<void> {
    const now = this.now();
    if (this.lease.expiresAt - now > this.ttlMs / 2) return;
    this.lease = await this.state.renewLease(this.lease, this.ttlMs, now);
  }

  /** Best effort: an unreleased lease simply expires, so a failure here must not hide the run's outcome. */
  async release(logger: Logger): Promise<void> {
    try {
      await this.state.releaseLease(this.lease);
    } catch (error) {
      logger.warn('lease release failed; it will expire on its own', {
        account: this.lease.account,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
}
