/**
 * An in-memory `StateStore` with the same semantics as `DynamoDbStateStore`: forward-only fenced
 * cursor writes, a lease whose fencing token increases with every acquisition (released leases
 * keep their token), batched record states. A shared conformance suite runs against both, so this
 * fake cannot drift from the real adapter.
 *
 * For tests and benchmarks it counts write operations (`writes`); faults come from a `FaultPlan`
 * (./fault-plan.ts) around it.
 */
import type {
  AccountRunStatus,
  AccountStatus,
  AccountStatusReader,
  IdRange,
  Lease,
  RecordState,
  StateStore,
  StreamCursor,
} from '../../shared/engine/ports.js';
import { LeaseLostError, StaleWriteError } from '../../shared/errors.js';
import type { StateWriteCounts } from '../../shared/state/dynamodb-state-store.js';
import { recordSk } from '../../shared/state/state-table.js';

export interface InMemoryStateStoreOptions {
  /** Page size of `listRecordStates`. @default 100 */
  readonly pageSize?: number | undefined;
}

interface StoredCursor {
  readonly cursor: StreamCursor;
  readonly fence: number;
}

interface StoredLease {
  readonly owner: string;
  readonly token: number;
  readonly expiresAt: number;
  readonly lastRun?: AccountRunStatus;
  readonly lastSuccessAt?: string;
}

const keyOf = (account: string, stream: string): string => JSON.stringify([account, stream]);

export class InMemoryStateStore implements StateStore, AccountStatusReader {
  readonly writes: StateWriteCounts = { cursor: 0, records: 0, lease: 0 };
  private readonly pageSize: number;
  private readonly cursors = new Map<string, StoredCursor>();
  private readonly leases = new Map<string, StoredLease>();
  /** (account, stream) → record id → state and its fence; insertion order is irrelevant, listing sorts by id. */
  private readonly records = new Map<string, Map<string, { state: RecordState; fence: number }>>();

  constructor(options: InMemoryStateStoreOptions = {}) {
    this.pageSize = options.pageSize ?? 100;
  }

  /** The stored fencing token of a cursor, for assertions. */
  cursorFence(account: string, stream: string): number | undefined {
    return this.cursors.get(keyOf(account, stream))?.fence;
  }

  async getCursor(account: string, stream: string): Promise<StreamCursor | undefined> {
    const stored = this.cursors.get(keyOf(account, stream));
    return stored === undefined ? undefined : structuredClone(stored.cursor);
  }

  async putCursor(account: string, stream: string, cursor: StreamCursor, fence: number): Promise<void> {
    this.writes.cursor += 1;
    const key = keyOf(account, stream);
    const stored = this.cursors.get(key);
    if (stored !== undefined && (stored.cursor.watermark > cursor.watermark || stored.fence > fence)) {
      throw new StaleWriteError(
        `Cursor write for stream ${stream} rejected: the stored cursor is further ahead or was written by a newer lease holder`,
      );
    }
    this.cursors.set(key, { cursor: structuredClone(cursor), fence });
  }

  async acquireLease(
    account: string,
    owner: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<Lease | undefined> {
    const stored = this.leases.get(account);
    if (stored !== undefined && stored.owner !== owner && stored.expiresAt > nowMs) return undefined;
    this.writes.lease += 1;
    const lease: Lease = { account, owner, token: (stored?.token ?? 0) + 1, expiresAt: nowMs + ttlMs };
    this.leases.set(account, { ...stored, owner, token: lease.token, expiresAt: lease.expiresAt });
    return lease;
  }

  async renewLease(lease: Lease, ttlMs: number, nowMs: number, status?: AccountRunStatus): Promise<Lease> {
    this.writes.lease += 1;
    const stored = this.leases.get(lease.account);
    if (stored === undefined || stored.owner !== lease.owner || stored.token !== lease.token) {
      throw new LeaseLostError(
        `Lease of account ${lease.account} was taken over by another poller; stopping without further writes`,
      );
    }
    const renewed: Lease = { ...lease, expiresAt: nowMs + ttlMs };
    this.leases.set(lease.account, { ...stored, expiresAt: renewed.expiresAt, ...statusFields(status) });
    return renewed;
  }

  async releaseLease(lease: Lease, status?: AccountRunStatus): Promise<void> {
    this.writes.lease += 1;
    const stored = this.leases.get(lease.account);
    // Releasing expires the lease but keeps its token, so the next holder's token is still higher.
    if (stored !== undefined && stored.owner === lease.owner && stored.token === lease.token) {
      this.leases.set(lease.account, {
        ...stored,
        expiresAt: 0,
        ...statusFields(status),
      });
    }
  }

  /** Each account's last run, last success and lease expiry (accounts never run are absent). */
  async getAccountStatuses(accounts: readonly string[]): Promise<Map<string, AccountStatus>> {
    const statuses = new Map<string, AccountStatus>();
    for (const account of accounts) {
      const stored = this.leases.get(account);
      if (stored === undefined) continue;
      statuses.set(account, {
        ...(stored.lastRun ? { lastRun: stored.lastRun } : {}),
        ...(stored.lastSuccessAt ? { lastSuccessAt: stored.lastSuccessAt } : {}),
        leaseExpiresAt: stored.expiresAt,
      });
    }
    return statuses;
  }

  async getRecordStates(
    account: string,
    stream: string,
    ids: readonly string[],
  ): Promise<Map<string, RecordState>> {
    const partition = this.records.get(keyOf(account, stream));
    const found = new Map<string, RecordState>();
    for (const id of ids) {
      const stored = partition?.get(id);
      if (stored !== undefined) found.set(id, structuredClone(stored.state));
    }
    return found;
  }

  async putRecordStates(
    account: string,
    stream: string,
    states: readonly RecordState[],
    fence: number,
  ): Promise<void> {
    if (states.length === 0) return;
    const key = keyOf(account, stream);
    const partition = this.records.get(key) ?? new Map<string, { state: RecordState; fence: number }>();
    this.records.set(key, partition);
    let stale = false;
    for (const state of states) {
      this.writes.records += 1;
      const stored = partition.get(state.id);
      // Like the conditional PutItem: items a newer lease holder wrote are left alone.
      if (stored !== undefined && stored.fence > fence) stale = true;
      else partition.set(state.id, { state: structuredClone(asStored(state)), fence });
    }
    if (stale) {
      throw new StaleWriteError(
        `Record state write for stream ${stream} rejected: a newer lease holder wrote it; stopping without further writes`,
      );
    }
  }

  async *listRecordStates(
    account: string,
    stream: string,
    range: IdRange = {},
  ): AsyncIterable<readonly RecordState[]> {
    const partition = this.records.get(keyOf(account, stream));
    if (partition === undefined) return;
    // Same order and bounds as a DynamoDB Query on the sort keys (zero-padded decimal ids).
    const after = range.after === undefined ? undefined : recordSk(range.after);
    const through = range.through === undefined ? undefined : recordSk(range.through);
    const ids = [...partition.keys()]
      .map((id) => ({ id, sk: recordSk(id) }))
      .filter(({ sk }) => (after === undefined || sk > after) && (through === undefined || sk <= through))
      .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
    for (let start = 0; start < ids.length; start += this.pageSize) {
      const page: RecordState[] = [];
      for (const { id } of ids.slice(start, start + this.pageSize)) {
        const stored = partition.get(id);
        if (stored !== undefined) page.push(structuredClone(stored.state));
      }
      yield page;
    }
  }
}

/**
 * Mirrors the DynamoDB adapter, which stores `snapshot`, `pending` and `pending.first` only when
 * present (and `first` only when true).
 */
function asStored(state: RecordState): RecordState {
  const { snapshot, pending, ...rest } = state;
  const stored: RecordState = snapshot === undefined ? rest : { ...rest, snapshot };
  if (pending === undefined) return stored;
  const { snapshot: pendingSnapshot, first, ...version } = pending;
  return {
    ...stored,
    pending: {
      ...version,
      ...(pendingSnapshot === undefined ? {} : { snapshot: pendingSnapshot }),
      ...(first === true ? { first } : {}),
    },
  };
}

/** What a lease write notes about the run (`lastRun`, and `lastSuccessAt` when it went well). */
function statusFields(status: AccountRunStatus | undefined): {
  lastRun?: AccountRunStatus;
  lastSuccessAt?: string;
} {
  if (status === undefined) return {};
  return status.outcome === 'ok' ? { lastRun: status, lastSuccessAt: status.at } : { lastRun: status };
}
