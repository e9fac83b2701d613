/**
 * The simulator's data: accounts, their records (as versions, so a write can commit now and become
 * visible later), and the changelog of every committed change, in commit order.
 *
 * Visibility uses the REAL clock (late commits are a real-time fault); `updated_at` uses the simulated
 * clock and is stamped by the caller before committing.
 */
import { IdGenerator } from './ids.js';
import type { Random } from './random.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Body = { [key: string]: Json };

export type ChangeAction = 'created' | 'updated' | 'archived' | 'restored' | 'cancelled' | 'deleted';

export interface ChangeEntry {
  readonly seq: number;
  readonly account: string;
  readonly resource: string;
  readonly id: string;
  readonly action: ChangeAction;
  /** The record's `updated_at` after the change; for a delete its `deleted_at` (or `at` if none is left). */
  readonly updated_at: string;
  /** Simulated time the change was committed (differs from `updated_at` when a write leaves it alone). */
  readonly at: string;
}

export interface Version {
  readonly visibleAt: number;
  readonly body: Body;
  /**
   * Deleted (its `deleted_at` is set): out of the default lists, listed where `deleted_at` is
   * filterable and in the resource's `/deleted` feed if it has one.
   */
  readonly deleted: boolean;
  /** Deleted without a trace: in no list and no feed, as if it had never existed. */
  readonly vanished: boolean;
  /**
   * Microseconds within the second of `updated_at` at which the record was last written: the hidden
   * sub-second instant Cliniko's database keeps and its API does not show (`subsecond-order`).
   */
  readonly subsecond: number;
}

/** How a committed change is stored and logged, beyond its body. */
export interface CommitOptions {
  /** Simulated commit time, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly at: string;
  readonly subsecond: number;
  /** A delete that leaves no trace (the test backdoor's `trace=none`). */
  readonly vanish?: boolean;
}

export class StoredRecord {
  readonly versions: Version[] = [];

  constructor(readonly id: string) {}

  /** The newest committed version, visible or not: what writes build on. */
  latest(): Version | undefined {
    return this.versions[this.versions.length - 1];
  }

  /** The newest version a reader sees at real time `now`. */
  visible(now: number): Version | undefined {
    for (let i = this.versions.length - 1; i >= 0; i--) {
      const v = this.versions[i];
      if (v && v.visibleAt <= now) return v;
    }
    return undefined;
  }
}

/** One resource's records in one account, plus a dense list of live ids for O(1) random picks. */
export class ResourceTable {
  readonly records = new Map<string, StoredRecord>();
  private readonly liveIds: string[] = [];
  /** Records in the default list order (`created_at`, then id); rebuilt lazily when an insert breaks it. */
  private orderCache: StoredRecord[] | undefined;
  /** Bumped on every write, so list results computed earlier can be reused until something changes. */
  revision = 0;
  /** Real time by which every committed version is visible (late commits push it into the future). */
  settledAt = 0;
  private readonly livePos = new Map<string, number>();

  /** Every record (deleted ones too) ordered by `created_at` then numeric id. */
  ordered(): readonly StoredRecord[] {
    if (!this.orderCache) this.orderCache = [...this.records.values()].sort(compareCreation);
    return this.orderCache;
  }

  /** Keeps the order cache valid for the usual append (a new record created "now"). */
  noteInserted(record: StoredRecord): void {
    const cache = this.orderCache;
    if (!cache) return;
    const last = cache[cache.length - 1];
    if (!last || compareCreation(last, record) <= 0) cache.push(record);
    else this.orderCache = undefined;
  }

  get liveCount(): number {
    return this.liveIds.length;
  }

  /** A random live (not deleted) record id, or `undefined` when there is none. */
  pickLive(random: Random): string | undefined {
    if (this.liveIds.length === 0) return undefined;
    return this.liveIds[random.int(0, this.liveIds.length - 1)];
  }

  markLive(id: string, live: boolean): void {
    const pos = this.livePos.get(id);
    if (live && pos === undefined) {
      this.livePos.set(id, this.liveIds.length);
      this.liveIds.push(id);
    } else if (!live && pos !== undefined) {
      const last = this.liveIds.pop();
      if (last !== undefined && last !== id) {
        this.liveIds[pos] = last;
        this.livePos.set(last, pos);
      }
      this.livePos.delete(id);
    }
  }
}

function creationKey(record: StoredRecord): string {
  const created = record.versions[0]?.body.created_at;
  return typeof created === 'string' ? created : '';
}

/** `created_at` strings share one fixed format, so they order correctly as text; ids order by value. */
export function compareCreation(a: StoredRecord, b: StoredRecord): number {
  const ka = creationKey(a);
  const kb = creationKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (a.id.length !== b.id.length) return a.id.length - b.id.length;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class Account {
  readonly tables = new Map<string, ResourceTable>();
  readonly ids: IdGenerator;

  constructor(
    readonly id: string,
    readonly apiKey: string,
    idRandom: Random,
  ) {
    this.ids = new IdGenerator(idRandom);
  }

  table(resource: string): ResourceTable {
    let table = this.tables.get(resource);
    if (!table) {
      table = new ResourceTable();
      this.tables.set(resource, table);
    }
    return table;
  }

  /** The latest committed, not deleted body of a record (what writes and churn see). */
  current(resource: string, id: string): Body | undefined {
    const latest = this.latest(resource, id);
    return latest && !latest.deleted ? latest.body : undefined;
  }

  /** The latest committed version of a record, deleted or not; undefined once it vanished. */
  latest(resource: string, id: string): Version | undefined {
    const latest = this.tables.get(resource)?.records.get(id)?.latest();
    return latest && !latest.vanished ? latest : undefined;
  }
}

export class Store {
  readonly accounts: Account[] = [];
  private readonly byKey = new Map<string, Account>();
  private readonly log: ChangeEntry[] = [];
  /** Real-time delay before a write becomes visible to readers (the `lateCommitMs` fault). */
  lateCommitMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

  addAccount(account: Account): void {
    this.accounts.push(account);
    this.byKey.set(account.apiKey, account);
  }

  accountForKey(apiKey: string): Account | undefined {
    return this.byKey.get(apiKey);
  }

  /** Initial data: visible at once and not part of the changelog (it is the state before any change). */
  seed(account: Account, resource: string, body: Body): void {
    this.put(account, resource, { visibleAt: 0, body, ...presence(body, false), subsecond: 0 });
  }

  /** Commits a write: a new version (visible after `lateCommitMs`) and one changelog entry. */
  commit(account: Account, resource: string, body: Body, action: ChangeAction, options: CommitOptions): void {
    this.put(account, resource, {
      visibleAt: this.realNow() + this.lateCommitMs,
      body,
      ...presence(body, options.vanish === true),
      subsecond: options.subsecond,
    });
    const deletedAt =
      typeof body.deleted_at === 'string' && body.deleted_at !== '' ? body.deleted_at : options.at;
    const updatedAt = action === 'deleted' ? deletedAt : body.updated_at;
    this.log.push({
      seq: this.log.length + 1,
      account: account.id,
      resource,
      id: String(body.id),
      action,
      updated_at: typeof updatedAt === 'string' ? updatedAt : '',
      at: options.at,
    });
  }

  /**
   * A new version that is not a write of the record (a derived field following its source): no
   * changelog entry, and the hidden instant of its `updated_at` stays.
   */
  drift(account: Account, resource: string, body: Body): void {
    const previous = account.latest(resource, String(body.id));
    this.put(account, resource, {
      visibleAt: this.realNow() + this.lateCommitMs,
      body,
      ...presence(body, false),
      subsecond: previous?.subsecond ?? 0,
    });
  }

  changesAfter(seq: number): readonly ChangeEntry[] {
    return this.log.slice(Math.max(0, Math.floor(seq)));
  }

  private put(account: Account, resource: string, version: Version): void {
    const table = account.table(resource);
    const id = String(version.body.id);
    let record = table.records.get(id);
    const isNew = !record;
    if (!record) {
      record = new StoredRecord(id);
      table.records.set(id, record);
    }
    // A seeded record seeded again (a relation filled in) replaces its initial state: nobody can
    // have read the one before, and keeping it would double the memory of every related record.
    const only = record.versions.length === 1 ? record.versions[0] : undefined;
    if (
      only &&
      only.visibleAt === 0 &&
      version.visibleAt === 0 &&
      only.body.created_at === version.body.created_at
    ) {
      record.versions[0] = version;
      table.revision += 1;
      table.markLive(id, !version.deleted);
      return;
    }
    // Versions older than the newest visible one can never be read again.
    const now = this.realNow();
    for (let i = record.versions.length - 1; i > 0; i--) {
      const v = record.versions[i];
      if (v && v.visibleAt <= now) {
        record.versions.splice(0, i);
        break;
      }
    }
    record.versions.push(version);
    table.revision += 1;
    table.settledAt = Math.max(table.settledAt, version.visibleAt);
    if (isNew) table.noteInserted(record);
    table.markLive(id, !version.deleted);
  }
}

/** A record is deleted while its `deleted_at` is set; a vanished one counts as deleted too. */
function presence(body: Body, vanished: boolean): { deleted: boolean; vanished: boolean } {
  const deletedAt = body.deleted_at;
  return { deleted: vanished || (typeof deletedAt === 'string' && deletedAt !== ''), vanished };
}
