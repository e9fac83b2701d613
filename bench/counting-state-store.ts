/**
 * A `StateStore` wrapper that counts what DynamoDB would bill for each call (request units, not
 * just calls), so the cost model works from measured state traffic whichever store sits behind it.
 * Units follow DynamoDB's on-demand rules: strongly consistent reads cost 1 RRU per 4 KB item
 * (missing items included), writes 1 WRU per 1 KB of the larger of the item written and the item
 * it replaces, sized as DynamoDB sizes the items the DynamoDB adapter writes (`itemBytes`). A test
 * holds these counts to dynalite's own consumed capacity.
 */
import type {
  AccountRunStatus,
  IdRange,
  Lease,
  RecordState,
  StateStore,
  StreamCursor,
} from '../shared/engine/ports.js';
import { encodeCursorItem, encodeRecordState, streamPk } from '../shared/state/state-table.js';

export interface StateTraffic {
  /** Read request units (strongly consistent, as the adapter reads). */
  rru: number;
  /** Write request units. */
  wru: number;
  /** The part of `rru` / `wru` spent on record states: reads of listed records and writes of changes. */
  recordRru: number;
  recordWru: number;
  /** Write operations (items), whatever their size. */
  writes: { cursor: number; records: number; lease: number };
  /** Read operations (items). */
  reads: { cursor: number; records: number; lease: number; listed: number };
}

export function emptyTraffic(): StateTraffic {
  return {
    rru: 0,
    wru: 0,
    recordRru: 0,
    recordWru: 0,
    writes: { cursor: 0, records: 0, lease: 0 },
    reads: { cursor: 0, records: 0, lease: 0, listed: 0 },
  };
}

/**
 * An item's size as DynamoDB bills it: attribute names and string values in UTF-8 bytes, numbers
 * one byte per two significant digits plus one, booleans and null one byte, lists and maps three
 * bytes plus one per element (map keys count as names), binary values their length in bytes.
 * Undefined members are not written.
 */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) bytes += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  }
  return bytes;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/e.*$/, '')
      .replace('.', '')
      .replace(/^0+|0+$/g, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value))
    return 3 + value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 0);
  if (typeof value === 'object')
    return 3 + itemBytes(value as Record<string, unknown>) + Object.keys(value).length;
  return 0;
}

const units = (bytes: number, unitBytes: number): number => Math.max(1, Math.ceil(bytes / unitBytes));
const recordItem = (account: string, stream: string, state: RecordState, fence = 1) =>
  encodeRecordState(streamPk(account, stream), state, fence);

export class CountingStateStore implements StateStore {
  traffic: StateTraffic = emptyTraffic();
  /** Bytes of each cursor and record state item written through this store, by key. */
  private readonly written = new Map<string, number>();

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
    const item = encodeCursorItem(streamPk(account, stream), cursor, fence);
    this.traffic.wru += this.writeUnits(item);
    await this.inner.putCursor(account, stream, cursor, fence);
    this.remember(item);
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

  async renewLease(lease: Lease, ttlMs: number, nowMs: number, status?: AccountRunStatus): Promise<Lease> {
    this.traffic.writes.lease += 1;
    this.traffic.wru += 1;
    return this.inner.renewLease(lease, ttlMs, nowMs, status);
  }

  async releaseLease(lease: Lease, status?: AccountRunStatus): Promise<void> {
    this.traffic.writes.lease += 1;
    this.traffic.wru += 1;
    return this.inner.releaseLease(lease, status);
  }

  async getRecordStates(
    account: string,
    stream: string,
    ids: readonly string[],
  ): Promise<Map<string, RecordState>> {
    const found = await this.inner.getRecordStates(account, stream, ids);
    this.traffic.reads.records += ids.length;
    // A key that is not found still costs the minimum read.
    let rru = ids.length - found.size;
    for (const state of found.values()) rru += units(itemBytes(recordItem(account, stream, state)), 4096);
    this.traffic.rru += rru;
    this.traffic.recordRru += rru;
    return found;
  }

  async putRecordStates(
    account: string,
    stream: string,
    states: readonly RecordState[],
    fence: number,
  ): Promise<void> {
    this.traffic.writes.records += states.length;
    const items = states.map((state) => recordItem(account, stream, state, fence));
    const wru = items.reduce((sum, item) => sum + this.writeUnits(item), 0);
    this.traffic.wru += wru;
    this.traffic.recordWru += wru;
    await this.inner.putRecordStates(account, stream, states, fence);
    for (const item of items) this.remember(item);
  }

  /** A put replacing an item is billed on the larger of the two (conditional losses too). */
  private writeUnits(item: Readonly<Record<string, unknown>>): number {
    return units(Math.max(itemBytes(item), this.written.get(`${item.pk}\n${item.sk}`) ?? 0), 1024);
  }

  private remember(item: Readonly<Record<string, unknown>>): void {
    this.written.set(`${item.pk}\n${item.sk}`, itemBytes(item));
  }

  async *listRecordStates(
    account: string,
    stream: string,
    range?: IdRange,
  ): AsyncIterable<readonly RecordState[]> {
    for await (const page of this.inner.listRecordStates(account, stream, range)) {
      this.traffic.reads.listed += page.length;
      // A Query reads the items' total size, rounded up to 4 KB once per page.
      const bytes = page.reduce((sum, state) => sum + itemBytes(recordItem(account, stream, state)), 0);
      this.traffic.rru += Math.ceil(bytes / 4096);
      yield page;
    }
  }
}
