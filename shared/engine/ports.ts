/**
 * The ports of the sync engine: what it needs from Cliniko, from state storage, from event
 * delivery and from logging. Adapters live at the edges (`shared/cliniko`, `shared/state`,
 * `shared/publish`) and tests use in-memory fakes of the same interfaces (docs/design.md,
 * Architecture).
 */
import type { Action, ChangeEvent } from '../events/contract.js';
import type { Signal } from '../signals.js';

/** A record exactly as Cliniko returned it, ids as strings. */
export type ClinikoRecord = Readonly<Record<string, unknown>> & { readonly id: string };

export interface ListQuery {
  /** `q[]` filters, e.g. `updated_at:>=2026-11-29T10:00:00Z`; combined with AND. */
  readonly filters?: readonly string[];
  /** e.g. `updated_at,id` or `id:desc`. */
  readonly sort?: string;
  /** 1..100; the client defaults to 100. */
  readonly perPage?: number;
  /** 1-based page number; the engine only ever asks for page 1 (it pages by keyset). */
  readonly page?: number;
  /**
   * Not part of the URL: epoch ms by which the request must have been answered. Waits (rate budget,
   * 429s, retries) that would pass it are not started, and the request is abandoned at it, with
   * `RunDeadlineError` (or `ClinikoRateLimitedError`), so the run can stop cleanly.
   */
  readonly deadline?: number;
}

export interface ListPage {
  readonly records: readonly ClinikoRecord[];
  /** `total_entries` when Cliniko sent a usable one. */
  readonly totalEntries: number | undefined;
  /** The absolute `links.next` URL, when there is a next page. */
  readonly nextUrl: string | undefined;
  /** Server time from the HTTP `Date` header: the engine's clock. */
  readonly serverTime: Date;
}

/** The read side of the Cliniko client, as the engine uses it. */
export interface ClinikoReader {
  listPage(path: string, arrayKey: string, query: ListQuery): Promise<ListPage>;
}

/** One version of a record as the bridge remembers it: short hashes only, no patient data (unless snapshots are on). */
export interface RecordVersion {
  /** Keyed fingerprint of the record's canonical content, `updated_at` excluded. */
  readonly fingerprint: string;
  /** Top-level field name → keyed short hash of its canonical member, so changed field names are known. */
  readonly fieldHashes: Readonly<Record<string, string>>;
  /**
   * The content key both were computed with (see `content-key.ts`). Absent, or a key no longer in
   * the ring: the hashes cannot be compared, only lifecycle flags and `updated_at` can.
   */
  readonly keyId?: string;
  /** The version's `updated_at`. */
  readonly updatedAt: string | null;
  readonly archived: boolean;
  readonly cancelled: boolean;
  readonly deleted: boolean;
  /** The version itself; stored only in `previous` mode. */
  readonly snapshot?: Readonly<Record<string, unknown>>;
  /**
   * The version's values of the stream's tracked fields (`shared/tracked-fields.ts`): operational
   * values only, kept so the next event can say what they were. Absent in states written before
   * the stream tracked fields, and for streams that track none.
   */
  readonly tracked?: Readonly<Record<string, unknown>>;
  /**
   * The record's sequence number of the event that reported this version (`detail.sequence`).
   * Absent in states written before events carried one (counted as 0).
   */
  readonly sequence?: number;
}

/**
 * A version whose event is being published: written before PutEvents, cleared once it succeeded.
 * Whether consumers got the event is unknown, so the next observation is judged against it (see
 * `classify`).
 */
export interface PendingVersion extends RecordVersion {
  /**
   * The record had no state when this version's event was built (a first sighting): the state's
   * confirmed fields are a copy of this version, not a version any event was published for.
   */
  readonly first?: boolean;
}

/**
 * What the bridge remembers about one record. The top-level version is the CONFIRMED one: the last
 * version whose event was certainly published (or, with `pending`, the version the in-flight event
 * was classified against).
 */
export interface RecordState extends RecordVersion {
  readonly id: string;
  /** Present between the pre-publish and the post-publish state write of one event. */
  readonly pending?: PendingVersion;
  /**
   * The event last published for the confirmed version, so `resync` can send it again under the same
   * id while the record is unchanged. Absent in states written before it was kept.
   */
  readonly reported?: ReportedEvent;
}

/** What identifies a published event well enough to send it again (see `shared/engine/resync.ts`). */
export interface ReportedEvent {
  readonly eventId: string;
  readonly action: Action;
  /** Its `detail.occurredAt`. */
  readonly occurredAt: string;
  /** Its `detail.signals`, when it had any: they depend on the change, which a resync cannot see. */
  readonly signals?: readonly Signal[];
}

/**
 * One window walk's progress (see `window.ts`): a stream's change pass over its list, or a pass over
 * another list of it or over one of its lifecycle timestamps. Only ever moves forward.
 */
export interface ScanCursor {
  /** Lower bound of the next pass (UTC ISO second); queries start at `watermark - overlap`. */
  readonly watermark: string;
  /** Largest (timestamp, id) of an unfinished pass: a resume re-reads that second (ids are not in server order inside it). */
  readonly position?: { readonly updatedAt: string; readonly id: string };
  /**
   * Server time when the unfinished pass began (set together with `position`). The watermark may
   * only advance to this instant minus the settle time once the pass completes, even when the pass
   * spans several runs: rows committed after it began may sit behind the position.
   */
  readonly passStartedAt?: string;
  /**
   * Set when the unfinished pass stopped inside a drain (one second holding more records than a
   * page, read by id): the resume continues after `afterId` instead of draining that second again,
   * so a second larger than one run can read still finishes across runs.
   */
  readonly drain?: { readonly second: string; readonly afterId?: string };
  /**
   * Where the unfinished pass reads next (set together with `position`): the position's second,
   * or the second after a tie a drain finished, so a resume never drains a finished tie again.
   * Absent in cursors written before it existed: the resume then re-reads the position's second.
   */
  readonly passFloor?: string;
}

/**
 * Per-(account, stream) progress. The top-level scan fields are the change pass over the stream's
 * list (its watermark is what the conditional write compares); `scans` holds the other passes.
 */
export interface StreamCursor extends ScanCursor {
  /**
   * The other passes by key: `lifecycle:<timestamp>` (a window over `archived_at`, `cancelled_at`
   * or `deleted_at`) and `list:<path>` (a further list of the stream, e.g. inactive practitioners).
   */
  readonly scans?: Readonly<Record<string, ScanCursor>>;
  /** When the bridge started watching this stream; records created after it are `created`. */
  readonly origin: string;
  /** True when the stream started from the beginning: pre-origin records first seen are `snapshot`s. */
  readonly backfill: boolean;
  /** Lower bound (UTC ISO second) for the next read of the `/deleted` feed. */
  readonly deletedWatermark?: string;
  /** Server time of the last `/deleted` feed read (or probe). */
  readonly deletedCheckedAt?: string;
  /** What the account was found to serve: the legacy `/deleted` feed, probed and re-probed now and then. */
  readonly capabilities?: { readonly deletedFeed?: boolean };
  /**
   * Ids of records recently reported archived (newest first, a few dozen at most): probed by id
   * now and then, so a restore that leaves `updated_at` alone is seen long before reconciliation.
   */
  readonly recentlyArchived?: readonly string[];
  /** Server time of the last probe of `recentlyArchived`. */
  readonly archivedProbedAt?: string;
  /** Server time when the last complete (or refused) reconciliation listing started. */
  readonly reconciledAt?: string;
  /**
   * A reconciliation listing in progress, resumed by the next run: every id up to `afterId` was
   * listed and compared. `startedAt` (server time) bounds which stored states it may judge.
   */
  readonly reconcile?: {
    readonly afterId?: string;
    readonly startedAt: string;
    /** Ids listed so far. */
    readonly listed: number;
    /** What the last page's `total_entries` said was still to list, less that page. */
    readonly remaining?: number;
  };
  /** Server time of the poll that wrote this cursor. */
  readonly polledAt: string;
}

export interface Lease {
  readonly account: string;
  readonly owner: string;
  /** Fencing token: strictly increases with every acquisition. */
  readonly token: number;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** How an account's last run went, kept beside its lease (no extra write). */
export interface AccountRunStatus {
  /** When the run ended (ISO, milliseconds). */
  readonly at: string;
  /** `ok`: every stream caught up; `incomplete`: stopped at a deadline or rate limit; `failed`: a stream or the run failed. */
  readonly outcome: 'ok' | 'incomplete' | 'failed';
  /** The worst stream's lag behind server time (seconds), when known. */
  readonly lagSeconds: number | null;
}

/** An account's status as the fleet sees it: its last run, last successful run and lease. */
export interface AccountStatus {
  readonly lastRun?: AccountRunStatus;
  /** When a run last caught up every stream (ISO). */
  readonly lastSuccessAt?: string;
  /** Epoch ms until which a poller holds the account (absent or in the past: free). */
  readonly leaseExpiresAt?: number;
}

/** Reads the fleet's view of accounts (the dispatcher, `accounts list`). */
export interface AccountStatusReader {
  /** Each account's status; accounts that never ran are absent. */
  getAccountStatuses(accounts: readonly string[]): Promise<Map<string, AccountStatus>>;
}

export interface StateStore {
  getCursor(account: string, stream: string): Promise<StreamCursor | undefined>;
  /**
   * Conditional write: fails with `StaleWriteError` when the stored watermark is later than the new
   * one, or the stored fencing token is higher than `fence` (a newer lease holder wrote since).
   */
  putCursor(account: string, stream: string, cursor: StreamCursor, fence: number): Promise<void>;

  /** Returns `undefined` when another owner holds an unexpired lease. */
  acquireLease(account: string, owner: string, ttlMs: number, nowMs: number): Promise<Lease | undefined>;
  /**
   * Extends the lease, noting `status` like a release does (a long poll loop reports as it goes);
   * `LeaseLostError` when someone else took it over.
   */
  renewLease(lease: Lease, ttlMs: number, nowMs: number, status?: AccountRunStatus): Promise<Lease>;
  /** Lets the lease go, noting how the run went (kept with the lease, read by the fleet's dispatcher). */
  releaseLease(lease: Lease, status?: AccountRunStatus): Promise<void>;

  /** Batched reads; ids with no state are absent from the map. */
  getRecordStates(account: string, stream: string, ids: readonly string[]): Promise<Map<string, RecordState>>;
  /**
   * Writes each state fenced: it lands only over an item whose stored fencing token is at most
   * `fence` (no newer lease holder wrote it); otherwise `StaleWriteError` and the caller stops.
   * Throws when items remain unwritten.
   */
  putRecordStates(
    account: string,
    stream: string,
    states: readonly RecordState[],
    fence: number,
  ): Promise<void>;
  /**
   * The stored record states of a stream in id order, page by page (for reconciliation); with a
   * range, only ids after `range.after` and up to `range.through` (numeric order for decimal ids).
   */
  listRecordStates(account: string, stream: string, range?: IdRange): AsyncIterable<readonly RecordState[]>;
}

/** Record ids after `after` (exclusive) up to `through` (inclusive); an absent bound is open. */
export interface IdRange {
  readonly after?: string;
  readonly through?: string;
}

export interface EventPublisher {
  /** Publishes every event or throws; a throw means the caller must not checkpoint. */
  publish(events: readonly ChangeEvent[]): Promise<void>;
}

/** Structured logger. Callers pass allow-listed fields only: ids, counts, statuses, durations, cursor times. */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}
