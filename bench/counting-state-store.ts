/**
 * A `StateStore` wrapper that counts what DynamoDB would bill for each call (request units, not
 * just calls), so the cost model works from measured state traffic whichever store sits behind it.
 * Units follow DynamoDB's on-demand rules: strongly consistent reads cost 1 RRU per 4 KB item
 * (missing items included), writes 1 WRU per 1 KB item; item sizes are estimated from the encoded
 * JSON, which is slightly larger than DynamoDB's own count.
 */
import type { Lease, RecordState, StateStore, StreamCursor } from '../shared/engine/ports.js';

export interface StateTraffic {
  /** Read request units (strongly consistent, as the adapter reads). */
  rru: number;
  /** Write request units. */
  wru: number;
  /** Write operations (items), whatever their size. */
  writes: { cursor: number; records: number; lease: number };
  /** Read operations (items). */
  reads: { cursor: number; records: number; lease: number; listed: number };
}

export function emptyTraffic(): StateTraffic {
  return {
    rru: 0,
    wru: 0,
    writes: { cursor: 0, records: 0, lease: 0 },
    reads: { cursor: 0, records: 0, lease: 0, listed: 0 },
  };
}

/** Key attributes and names add roughly this much to every stored item. */
const KEY_OVERHEAD_BYTES = 80;
const wruFor = (value: unknown): number =>
  Math.max(1, Math.ceil((Buffer.byteLength(JSON.stringify(value), 'utf8') + KEY_OVERHEAD_BYTES) / 1024));
const rruFor = (value: unknown): number =>
  Math.max(1, Math.ceil((Buffer.byteLength(JSON.stringify(value), 'utf8') + KEY_OVERHEAD_BYTES) / 4096));

export class CountingStateStore implements StateStore {
  traffic: StateTraffic = emptyTraffic();

  constructor(private readonly inner: StateStore) {}

  /** Returns the traffic so far and starts counting from zero. */
  take(): StateTraffic {
    const taken = this.traffic;
    this.traffic = emptyTraffic();
    return taken;
  }

  async getCursor(account: string, stream: string): Promise<StreamCursor | undefined> {
    this.traffic.reads.cursor += 1;
    this.traffic.rru += 1;
    return this.inner.getCursor(account, stream);
  }

  async putCursor(account: string, stream: string, cursor: StreamCursor, fence: number): Promise<void> {
    this.traffic.writes.cursor += 1;
    this.traffic.wru += wruFor(cursor);
    return this.inner.putCursor(account, stream, cursor, fence);
  }

  async acquireLease(
    account: string,
    owner: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<Lease | undefined> {
    // The adapter reads the lease item, then writes it conditionally.
    this.traffic.reads.lease += 1;
    this.traffic.rru += 1;
    const lease = await this.inner.acquireLease(account, owner, ttlMs, nowMs);
    if (lease !== undefined) {
      this.traffic.writes.lease += 1;
      this.traffic.wru += 1;
    }
    return lease;
  }

  async renewLease(lease: Lease, ttlMs: number, nowMs: number): Promise<Lease> {
    this.traffic.writes.lease += 1;
    this.traffic.wru += 1;
    return this.inner.renewLease(lease, ttlMs, nowMs);
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.traffic.writes.lease += 1;
    this.traffic.wru += 1;
    return this.inner.releaseLease(lease);
  }

  async getRecordStates(
    account: string,
    stream: string,
    ids: readonly string[],
  ): Promise<Map<string, RecordState>> {
    const found = await this.inner.getRecordStates(account, stream, ids);
    this.traffic.reads.records += ids.length;
    // A key that is not found still costs the minimum read.
    this.traffic.rru += ids.length - found.size;
    for (const state of found.values()) this.traffic.rru += rruFor(state);
    return found;
  }

  async putRecordStates(account: string, stream: string, states: readonly RecordState[]): Promise<void> {
    this.traffic.writes.records += states.length;
    for (const state of states) this.traffic.wru += wruFor(state);
    return this.inner.putRecordStates(account, stream, states);
  }

  async *listRecordStates(account: string, stream: string): AsyncIterable<readonly RecordState[]> {
    for await (const page of this.inner.listRecordStates(account, stream)) {
      this.traffic.reads.listed += page.length;
      this.traffic.rru += Math.ceil(Buffer.byteLength(JSON.stringify(page), 'utf8') / 4096);
      yield page;
    }
  }
}
