/**
 * Port wrappers for property tests: faults armed for one run only (so a fault that was not
 * triggered cannot leak into the final clean poll), and a log of accepted cursor writes.
 */
import type {
  AccountRunStatus,
  EventPublisher,
  IdRange,
  Lease,
  RecordState,
  StateStore,
  StreamCursor,
} from '../../../shared/engine/ports.js';
import { PublishError } from '../../../shared/errors.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';

export type StateFault = 'getRecordStates' | 'putRecordStates' | 'putCursor';

export class FaultyStateStore implements StateStore {
  armed: StateFault | undefined;
  /** Cursor writes the store accepted, in order. */
  readonly cursorWrites: { stream: string; cursor: StreamCursor }[] = [];

  constructor(private readonly inner: StateStore) {}

  private trip(operation: StateFault): void {
    if (this.armed !== operation) return;
    this.armed = undefined;
    throw new Error(`injected ${operation} failure`);
  }

  getCursor(account: string, stream: string): Promise<StreamCursor | undefined> {
    return this.inner.getCursor(account, stream);
  }
  async putCursor(account: string, stream: string, cursor: StreamCursor, fence: number): Promise<void> {
    this.trip('putCursor');
    await this.inner.putCursor(account, stream, cursor, fence);
    this.cursorWrites.push({ stream, cursor });
  }
  acquireLease(account: string, owner: string, ttlMs: number, nowMs: number): Promise<Lease | undefined> {
    return this.inner.acquireLease(account, owner, ttlMs, nowMs);
  }
  renewLease(lease: Lease, ttlMs: number, nowMs: number, status?: AccountRunStatus): Promise<Lease> {
    return this.inner.renewLease(lease, ttlMs, nowMs, status);
  }
  releaseLease(lease: Lease): Promise<void> {
    return this.inner.releaseLease(lease);
  }
  async getRecordStates(
    account: string,
    stream: string,
    ids: readonly string[],
  ): Promise<Map<string, RecordState>> {
    this.trip('getRecordStates');
    return this.inner.getRecordStates(account, stream, ids);
  }
  async putRecordStates(
    account: string,
    stream: string,
    states: readonly RecordState[],
    fence: number,
  ): Promise<void> {
    this.trip('putRecordStates');
    await this.inner.putRecordStates(account, stream, states, fence);
  }
  listRecordStates(account: string, stream: string, range?: IdRange): AsyncIterable<readonly RecordState[]> {
    return this.inner.listRecordStates(account, stream, range);
  }
}

export type PublishFault = { kind: 'call' } | { kind: 'entries'; count: number };

export class FaultyPublisher implements EventPublisher {
  armed: PublishFault | undefined;
  /** Every event delivered, duplicates included. */
  readonly delivered: ChangeEvent[] = [];

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    const fault = this.armed;
    this.armed = undefined;
    if (fault?.kind === 'call') throw new PublishError('injected publish failure');
    if (fault?.kind === 'entries') {
      const failed = Math.min(fault.count, events.length);
      this.delivered.push(...events.slice(0, events.length - failed));
      throw new PublishError('injected partial publish failure');
    }
    this.delivered.push(...events);
  }
}
