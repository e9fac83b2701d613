/**
 * Port wrappers for the chaos suite: a state store and a publisher that keep the logs the oracle
 * needs (every cursor write attempted and accepted, every cursor loaded, every event delivered) around
 * the run's faults. `ChaosRun` is the run's fault plan (test/support/fault-plan.ts): calls fail before
 * or after the real call (so "the write landed but the caller saw an error" is covered), and a
 * process dies mid-run (its lease is never released).
 */
import type {
  AccountRunStatus,
  EventPublisher,
  IdRange,
  Lease,
  RecordState,
  StateStore,
  StreamCursor,
} from '../../shared/engine/ports.js';
import { PublishError } from '../../shared/errors.js';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { StateUnavailableError } from '../../shared/state/state-errors.js';
import { type CallPlan, type Proceed, publishFailsLast } from '../support/fault-plan.js';

export type StateOp =
  | 'getCursor'
  | 'putCursor'
  | 'acquireLease'
  | 'renewLease'
  | 'getRecordStates'
  | 'putRecordStates';

/** Where an injected failure strikes relative to the real call. */
export type Timing = 'before' | 'after';

/** A run-scoped fault plan for the state store and the publisher. */
export interface PortFaults {
  /** Fail the `nth` call of one state operation in this run. */
  readonly state?: { readonly op: StateOp; readonly nth: number; readonly when: Timing };
  /** Fail the `nth` publish call: whole call, the last `entries` of it, or after delivering it all. */
  readonly publish?: { readonly nth: number; readonly mode: 'call' | 'after' | { readonly entries: number } };
  /**
   * The process dies at the `step`-th state/publish operation of the run: that operation fails
   * (before or after taking effect) and the lease is never released, like a killed Lambda.
   */
  readonly crash?: { readonly step: number; readonly when: Timing };
}

export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

export interface CursorWrite {
  readonly stream: string;
  readonly cursor: StreamCursor;
  readonly accepted: boolean;
}

/** Counts the faults that actually struck, by kind, for the summary. */
export type FaultCounter = (kind: string) => void;

/** One poll's faults, over the state store and the publisher alike (steps count across both). */
export class ChaosRun implements CallPlan {
  private readonly counts = new Map<string, number>();
  private steps = 0;
  dead = false;

  constructor(
    readonly plan: PortFaults,
    private readonly count: FaultCounter,
    /** The sink is down: every publish fails. */
    private readonly sinkDown = false,
  ) {}

  async around(operation: string, args: readonly unknown[], proceed: Proceed): Promise<unknown> {
    const publish = operation === 'publish';
    if (publish && this.sinkDown) throw new PublishError('the sink is down (injected outage)');
    if (this.strike(operation, 'before')) {
      throw publish
        ? new PublishError('injected PutEvents failure')
        : new StateUnavailableError(`injected ${operation} failure`);
    }
    const failing = publish ? this.partial() : undefined;
    const events = (args[0] ?? []) as readonly unknown[];
    if (failing !== undefined && failing > 0 && events.length > 0) {
      return publishFailsLast(failing)(async (given) => proceed(given), args);
    }
    const result = await proceed();
    if (this.strike(operation, 'after')) {
      throw publish
        ? new PublishError('injected failure after delivery')
        : new StateUnavailableError(`injected ${operation} failure after it landed`);
    }
    return result;
  }

  /** Decides whether this call of `op` fails, and when. */
  strike(op: string, timing: Timing): boolean {
    if (this.dead) return true;
    const n = (this.counts.get(op) ?? 0) + (timing === 'before' ? 1 : 0);
    if (timing === 'before') {
      this.counts.set(op, n);
      this.steps += 1;
    }
    const { state, crash, publish } = this.plan;
    if (crash !== undefined && crash.when === timing && this.steps === crash.step) {
      this.dead = true;
      this.count(`crash-${timing}-${op}`);
      return true;
    }
    if (state !== undefined && state.op === op && state.when === timing && state.nth === n) {
      this.count(`state-${op}-${timing}`);
      return true;
    }
    if (publish !== undefined && op === 'publish' && publish.nth === n) {
      const mode = publish.mode;
      if (timing === 'before' && mode === 'call') {
        this.count('publish-call');
        return true;
      }
      if (timing === 'after' && mode === 'after') {
        this.count('publish-after-delivery');
        return true;
      }
    }
    return false;
  }

  /** Entries of this publish call that must fail (partial PutEvents failure), if any. */
  partial(): number | undefined {
    const { publish } = this.plan;
    const n = this.counts.get('publish') ?? 0;
    if (publish === undefined || publish.nth !== n || typeof publish.mode !== 'object') return undefined;
    this.count('publish-partial');
    return publish.mode.entries;
  }
}

/** Holds one state operation until released: a writer stalled past its lease (see `PollPlan.stall`). */
export class Stall {
  private calls = 0;
  private release: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  private reach: () => void = () => undefined;
  /** Settles once the stalled call is waiting. */
  readonly reached = new Promise<void>((resolve) => {
    this.reach = resolve;
  });

  constructor(
    private readonly op: StateOp,
    private readonly nth: number,
  ) {}

  /** The records (stream and id) of the write that stalled, once it did. */
  held: { readonly stream: string; readonly ids: readonly string[] } | undefined;

  async hold(
    op: StateOp,
    target?: { readonly stream: string; readonly ids: readonly string[] },
  ): Promise<void> {
    if (op !== this.op) return;
    this.calls += 1;
    if (this.calls !== this.nth) return;
    this.held = target;
    this.reach();
    await this.released;
  }

  /** Lets the stalled call go on (its request lands late, or is refused). */
  wake(): void {
    this.release();
  }
}

export class ChaosStateStore implements StateStore {
  run: ChaosRun | undefined;
  /**
   * Called for every record state that landed with an archive in flight (`pending.archived`, the
   * confirmed version not archived): an archive a run staged and may have published.
   */
  onStagedArchive: ((stream: string, id: string) => void) | undefined;
  /** Set only on the store of a stalling run. */
  stall: Stall | undefined;
  readonly cursorWrites: CursorWrite[] = [];
  /** Cursors loaded at the start of each stream's run, in order. */
  readonly cursorLoads: { stream: string; cursor: StreamCursor | undefined }[] = [];

  constructor(private readonly inner: StateStore) {}

  /** One call through the run's faults, held by the stall (if any) just before it lands. */
  private async call<T>(
    op: StateOp,
    action: () => Promise<T>,
    target?: { readonly stream: string; readonly ids: readonly string[] },
  ): Promise<T> {
    const held = async () => {
      await this.stall?.hold(op, target);
      return action();
    };
    return (this.run === undefined ? held() : this.run.around(op, [], held)) as Promise<T>;
  }

  async getCursor(account: string, stream: string): Promise<StreamCursor | undefined> {
    const cursor = await this.call('getCursor', () => this.inner.getCursor(account, stream));
    this.cursorLoads.push({ stream, cursor });
    return cursor;
  }

  putCursor(account: string, stream: string, cursor: StreamCursor, fence: number): Promise<void> {
    return this.call('putCursor', async () => {
      try {
        await this.inner.putCursor(account, stream, cursor, fence);
      } catch (error) {
        this.cursorWrites.push({ stream, cursor, accepted: false });
        throw error;
      }
      this.cursorWrites.push({ stream, cursor, accepted: true });
    });
  }

  acquireLease(account: string, owner: string, ttlMs: number, nowMs: number): Promise<Lease | undefined> {
    return this.call('acquireLease', () => this.inner.acquireLease(account, owner, ttlMs, nowMs));
  }

  renewLease(lease: Lease, ttlMs: number, nowMs: number, status?: AccountRunStatus): Promise<Lease> {
    return this.call('renewLease', () => this.inner.renewLease(lease, ttlMs, nowMs, status));
  }

  async releaseLease(lease: Lease): Promise<void> {
    // A dead process releases nothing: its lease has to expire.
    if (this.run?.dead) throw new InjectedFault('the process died before releasing its lease');
    await this.inner.releaseLease(lease);
  }

  getRecordStates(
    account: string,
    stream: string,
    ids: readonly string[],
  ): Promise<Map<string, RecordState>> {
    return this.call('getRecordStates', () => this.inner.getRecordStates(account, stream, ids));
  }

  putRecordStates(
    account: string,
    stream: string,
    states: readonly RecordState[],
    fence: number,
  ): Promise<void> {
    const write = async () => {
      try {
        await this.inner.putRecordStates(account, stream, states, fence);
      } finally {
        // Also when the write failed: some of its items may have landed.
        for (const state of states) {
          if (state.pending?.archived === true && !state.archived) this.onStagedArchive?.(stream, state.id);
        }
      }
    };
    return this.call('putRecordStates', write, { stream, ids: states.map((state) => state.id) });
  }

  listRecordStates(account: string, stream: string, range?: IdRange): AsyncIterable<readonly RecordState[]> {
    return this.inner.listRecordStates(account, stream, range);
  }
}

/** Delivers to `delivered` (what consumers receive, duplicates included) unless a fault says otherwise. */
export class ChaosPublisher implements EventPublisher {
  run: ChaosRun | undefined;
  readonly delivered: ChangeEvent[] = [];
  /**
   * Events of calls that failed, each with `delivered.length` at the time: consumers may have got
   * them or not (the oracle tolerates what follows from that, and nothing else).
   */
  readonly attempted: { readonly event: ChangeEvent; readonly at: number }[] = [];

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    try {
      await this.deliver(events);
    } catch (error) {
      for (const event of events) this.attempted.push({ event, at: this.delivered.length });
      throw error;
    }
  }

  private async deliver(events: readonly ChangeEvent[]): Promise<void> {
    const land = async (given: readonly unknown[] = [events]) => {
      this.delivered.push(...(given[0] as readonly ChangeEvent[]));
    };
    await (this.run === undefined ? land() : this.run.around('publish', [events], land));
  }
}
