/**
 * Holds the account's lease for a run (docs/design.md, Engine invariants, 7; Leases and fencing):
 * acquires it, renews it before it can expire and hands out its fencing token for state writes.
 * `keep()` runs before every chunk of state writes and events and lets the run go on only with at
 * least half the TTL left; every AWS call times out far below that (`shared/aws/client-defaults.ts`),
 * so no write started under the lease can land after it is lost.
 */
import type { AccountRunStatus, Lease, Logger, StateStore } from './ports.js';

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

  /**
   * Returns once at least half the TTL is left: at once while that holds, else after renewing the
   * lease (also when it already expired during a stall), noting `status` with it when given. Throws
   * `LeaseLostError` when another poller took the account over.
   */
  async keep(status?: AccountRunStatus): Promise<void> {
    const now = this.now();
    if (this.lease.expiresAt - now > this.ttlMs / 2) return;
    this.lease = await this.state.renewLease(this.lease, this.ttlMs, now, status);
  }

  /** Best effort: an unreleased lease simply expires, so a failure here must not hide the run's outcome. */
  async release(logger: Logger, status?: AccountRunStatus): Promise<void> {
    try {
      await this.state.releaseLease(this.lease, status);
    } catch (error) {
      logger.warn('lease release failed; it will expire on its own', {
        account: this.lease.account,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
}
