/**
 * A `StateStore` for measuring the bridge's own memory during a FIRST backfill: record states leave
 * the process (as they would to DynamoDB) instead of piling up here. Only the most recent ones are
 * kept, enough for the engine's deliberate re-read of the previous page's last second to find them
 * as DynamoDB would. Cursor and lease items are kept in memory (a handful per account). Not a store
 * for anything but that measurement: it forgets older record states.
 */
import type {
  AccountRunStatus,
  Lease,
  RecordState,
  StateStore,
  StreamCursor,
} from '../shared/engine/ports.js';
import { InMemoryStateStore } from '../test/support/memory-state-store.js';

/**
 * Record states remembered: two pages' worth, enough for the re-read of the previous page's last
 * second. Keeping more would measure this stand-in rather than the bridge: states kept for ten
 * pages lived long enough to be promoted to V8's old generation, and 200,000 promoted states made
 * the heap swing to over 130 MB in a 100k backfill whose live heap is 25 MB.
 */
const RECENT = 200;

export class FirstBackfillStateStore implements StateStore {
  recordWrites = 0;
  private readonly small = new InMemoryStateStore();
  private readonly recent = new Map<string, RecordState>();

  getCursor(account: string, stream: string): Promise<StreamCursor | undefined> {
    return this.small.getCursor(account, stream);
  }

  putCursor(account: string, stream: string, cursor: StreamCursor, fence: number): Promise<void> {
    return this.small.putCursor(account, stream, cursor, fence);
  }

  acquireLease(account: string, owner: string, ttlMs: number, nowMs: number): Promise<Lease | undefined> {
    return this.small.acquireLease(account, owner, ttlMs, nowMs);
  }

  renewLease(lease: Lease, ttlMs: number, nowMs: number, status?: AccountRunStatus): Promise<Lease> {
    return this.small.renewLease(lease, ttlMs, nowMs, status);
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.small.releaseLease(lease);
  }

  async getRecordStates(
    _account: string,
    stream: string,
    ids: readonly string[],
  ): Promise<Map<string, RecordState>> {
    const found = new Map<string, RecordState>();
    for (const id of ids) {
      const state = this.recent.get(`${stream}/${id}`);
      if (state !== undefined) found.set(id, structuredClone(state));
    }
    return found;
  }

  async putRecordStates(_account: string, stream: string, states: readonly RecordState[]): Promise<void> {
    for (const state of states) {
      this.recordWrites += 1;
      const key = `${stream}/${state.id}`;
      this.recent.delete(key);
      this.recent.set(key, structuredClone(state));
    }
    for (const key of this.recent.keys()) {
      if (this.recent.size <= RECENT) break;
      this.recent.delete(key);
    }
  }

  async *listRecordStates(): AsyncIterable<readonly RecordState[]> {
    // Reconciliation is off during the measured backfill.
  }
}
