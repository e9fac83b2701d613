/**
 * Holds the account's lease for a run (invariant 7): acquires it, renews it before it can expire
 * and hands out its fencing token for state writes.
 *
 * Why a write can never land after the lease is lost: the engine calls `keep()` before every chunk
 * of state writes and every chunk of events, and `keep()` lets it go on only with at least half the
 * TTL left (renewing, conditionally on still owning the lease, below that). Every AWS call has a
 * request timeout far below half the TTL (`shared/aws/client-defaults.ts`), so a chunk started in
 * time either finishes before the lease can expire or fails. A poller stalled for longer (a paused
 * process) finds its lease expired at the next `keep()`: renewing then succeeds only if nobody took
 * the account over meanwhile. Record-state items are fenced as well (a write lands only over items
 * no newer lease holder wrote), so even a request delayed on the network cannot undo newer work.
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
