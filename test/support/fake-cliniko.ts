/**
 * An in-memory `ClinikoReader` for engine tests: the list semantics the engine relies on, without
 * HTTP. Filters and sorting are the simulator's own (`simulator/query`, with each stream's filter
 * types from its model: a query the simulator would refuse with a 400 is refused here too), with
 * `per_page`/`page`, `total_entries`, `links.next`; hides archived, cancelled and soft-deleted records unless revealed (where the
 * registry says the list filters on that timestamp); lists inactive practitioners only under
 * `/practitioners/inactive`; serves `/deleted` feeds that accept only `deleted_at` and `id` filters;
 * stamps writes with a controllable one-second clock; can make writes visible late (keeping their
 * earlier `updated_at`). Failed requests come from a `FaultPlan` around it (./fault-plan.ts).
 */

import type { ClinikoReader, ClinikoRecord, ListPage, ListQuery } from '../../shared/engine/ports.js';
import { ClinikoNotFoundError, ClinikoRequestError } from '../../shared/errors.js';
import { STREAMS, type StreamDefinition } from '../../shared/streams.js';
import {
  type FieldGetter,
  type FieldTypes,
  type FieldValue,
  parseFilters,
  parseSort,
  QueryError,
} from '../../simulator/query/index.js';
import { findModel } from '../../simulator/resources/registry.js';

type Fields = Record<string, unknown>;

interface Version {
  /** `undefined`: hard-deleted at `deletedAt`. */
  readonly record: Fields | undefined;
  readonly deletedAt?: string;
  readonly visibleAt: number;
}

export interface RecordedRequest {
  readonly path: string;
  readonly filters: readonly string[];
  readonly sort: string | undefined;
  readonly perPage: number;
  readonly page: number;
}

/** Cliniko's `/deleted` lists accept only these filters. */
const DELETED_FILTERS: FieldTypes = { id: 'integer', deleted_at: 'datetime' };
/** A stream the simulator has no model of (a test's own): its id and timestamps. */
const DEFAULT_FILTERS: FieldTypes = {
  id: 'integer',
  created_at: 'datetime',
  updated_at: 'datetime',
  archived_at: 'datetime',
  cancelled_at: 'datetime',
  deleted_at: 'datetime',
};
const BASE = 'https://fake.cliniko.test/v1';

export class InMemoryCliniko implements ClinikoReader {
  readonly requests: RecordedRequest[] = [];
  /** Writes from now on become visible this many ms after they commit (0 = at once). */
  lateCommitMs = 0;
  /** Called before each request is answered: lets a test change data between pages. */
  beforeRequest: ((request: RecordedRequest) => void) | undefined;
  private clock: number;
  private sequence = 0;
  private readonly usedIds = new Set<string>();
  private readonly streams: Map<string, StreamDefinition>;
  private readonly data = new Map<string, Map<string, Version[]>>();

  constructor(options: { start?: string; streams?: readonly StreamDefinition[] } = {}) {
    this.clock = Date.parse(options.start ?? '2026-03-02T09:00:00Z');
    this.streams = new Map((options.streams ?? STREAMS).map((s) => [s.name, s]));
  }

  now(): number {
    return this.clock;
  }

  /** Current second as Cliniko writes it. */
  stamp(): string {
    return new Date(Math.floor(this.clock / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  advance(seconds: number): void {
    this.clock += seconds * 1000;
  }

  create(stream: string, fields: Fields = {}): string {
    const id = this.nextId();
    const now = this.stamp();
    const lifecycle = this.stream(stream).lifecycle;
    this.commit(stream, id, {
      id,
      created_at: now,
      updated_at: now,
      ...(lifecycle.includes('archived_at') ? { archived_at: null } : {}),
      ...(lifecycle.includes('cancelled_at') ? { cancelled_at: null } : {}),
      ...(lifecycle.includes('deleted_at') ? { deleted_at: null } : {}),
      links: { self: `${BASE}/${stream}/${id}` },
      ...fields,
    });
    return id;
  }

  update(stream: string, id: string, fields: Fields): void {
    this.commit(stream, id, { ...this.latest(stream, id), ...fields, updated_at: this.stamp() });
  }

  /** A write that changes nothing but `updated_at` (Cliniko's background jobs do this). */
  touch(stream: string, id: string): void {
    this.update(stream, id, {});
  }

  archive(stream: string, id: string): void {
    this.update(stream, id, { archived_at: this.stamp() });
  }

  unarchive(stream: string, id: string): void {
    this.update(stream, id, { archived_at: null });
  }

  cancel(stream: string, id: string): void {
    this.update(stream, id, { cancelled_at: this.stamp(), cancellation_reason: 50 });
  }

  /** A delete that keeps the record, with `deleted_at` set: hidden unless revealed with `deleted_at:*`. */
  softDelete(stream: string, id: string): void {
    this.update(stream, id, { deleted_at: this.stamp() });
  }

  /** Legacy hard delete: gone from lists, listed in `/{stream}/deleted`. */
  hardDelete(stream: string, id: string): void {
    this.latest(stream, id);
    this.versions(stream, id).push({
      record: undefined,
      deletedAt: this.stamp(),
      visibleAt: this.clock + this.lateCommitMs,
    });
  }

  /** The latest committed version (visible or not); throws for unknown or deleted records. */
  latest(stream: string, id: string): Fields {
    const record = this.versions(stream, id).at(-1)?.record;
    if (record === undefined) throw new Error(`no live record ${id} in ${stream}`);
    return record;
  }

  /** Ids of every record ever created in a stream. */
  ids(stream: string): string[] {
    return [...(this.data.get(stream)?.keys() ?? [])];
  }

  /** The version a request would see now: a record, `'deleted'`, or undefined (not visible yet). */
  visible(stream: string, id: string): Fields | 'deleted' | undefined {
    const version = this.versions(stream, id).findLast((v) => v.visibleAt <= this.clock);
    if (version === undefined) return undefined;
    return version.record ?? 'deleted';
  }

  async listPage(path: string, arrayKey: string, query: ListQuery): Promise<ListPage> {
    const request: RecordedRequest = {
      path,
      filters: [...(query.filters ?? [])],
      sort: query.sort,
      perPage: Math.min(100, Math.max(1, query.perPage ?? 50)),
      page: query.page ?? 1,
    };
    this.requests.push(request);
    this.beforeRequest?.(request);
    const [, name, suffix] = /^\/([a-z_]+)(\/deleted|\/inactive)?$/.exec(path) ?? [];
    const stream = name === undefined ? undefined : this.streams.get(name);
    const feed = suffix === '/deleted';
    const inactive = suffix === '/inactive';
    if (
      stream === undefined ||
      stream.arrayKey !== arrayKey ||
      (feed && !stream.deletedFeed) ||
      (inactive && !stream.extraLists?.some((list) => list.path === path))
    ) {
      throw new ClinikoNotFoundError({ method: 'GET', path, status: 404 }, 'Not Found');
    }
    const fields = feed ? DELETED_FILTERS : (findModel(stream.name)?.filters ?? DEFAULT_FILTERS);
    let filters: ReturnType<typeof parseFilters>;
    let compare: ReturnType<typeof parseSort>;
    try {
      filters = parseFilters(request.filters, fields);
      compare = parseSort(request.sort, fields);
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      throw new ClinikoRequestError({ method: 'GET', path, status: 400 }, error.message);
    }
    const rows = feed ? this.deletedRows(stream.name) : this.listRows(stream, request.filters, inactive);
    const matching = rows
      .filter((row) => filters.matches(getterOf(row)))
      .sort((a, b) => compare(getterOf(a), getterOf(b)));
    const start = (request.page - 1) * request.perPage;
    const records = matching
      .slice(start, start + request.perPage)
      .map((row) => structuredClone(row) as ClinikoRecord);
    const more = start + request.perPage < matching.length;
    return {
      records,
      totalEntries: matching.length,
      nextUrl: more ? `${BASE}${path}?page=${request.page + 1}` : undefined,
      serverTime: new Date(Math.floor(this.clock / 1000) * 1000),
    };
  }

  private listRows(stream: StreamDefinition, filters: readonly string[], inactive: boolean): Fields[] {
    // A list hides what it can reveal; a timestamp it cannot filter on hides nothing.
    const hidden = (['archived_at', 'cancelled_at', 'deleted_at'] as const).filter(
      (field) => stream.lifecycleFilters.includes(field) && !filters.includes(`${field}:*`),
    );
    const rows: Fields[] = [];
    for (const id of this.ids(stream.name)) {
      const seen = this.visible(stream.name, id);
      if (seen === undefined || seen === 'deleted') continue;
      if (hidden.some((field) => isSet(seen[field]))) continue;
      if (stream.extraLists !== undefined && (seen.active === false) !== inactive) continue;
      rows.push(seen);
    }
    return rows;
  }

  private deletedRows(stream: string): Fields[] {
    const rows: Fields[] = [];
    for (const id of this.ids(stream)) {
      const version = this.versions(stream, id).findLast((v) => v.visibleAt <= this.clock);
      if (version?.deletedAt !== undefined) {
        rows.push({ id, deleted_at: version.deletedAt, links: { self: `${BASE}/${stream}/${id}` } });
      }
    }
    return rows;
  }

  private commit(stream: string, id: string, record: Fields): void {
    this.versions(stream, id).push({ record, visibleAt: this.clock + this.lateCommitMs });
  }

  private versions(stream: string, id: string): Version[] {
    this.stream(stream);
    const table = this.data.get(stream) ?? new Map<string, Version[]>();
    this.data.set(stream, table);
    const versions = table.get(id) ?? [];
    table.set(id, versions);
    return versions;
  }

  private stream(name: string): StreamDefinition {
    const stream = this.streams.get(name);
    if (stream === undefined) throw new Error(`unknown stream ${name}`);
    return stream;
  }

  /** 18–19 digit, non-sequential, unique decimal ids, deterministic per instance. */
  private nextId(): string {
    for (;;) {
      this.sequence += 1;
      const mixed =
        (BigInt(this.sequence) * 6364136223846793007n + 1442695040888963407n) % 9_000_000_000_000_000_000n;
      const id = String(100_000_000_000_000_000n + mixed);
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }
}

function isSet(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/** A row's fields as the simulator's query functions read them: a missing field is null. */
function getterOf(row: Fields): FieldGetter {
  return (field) => (row[field] ?? null) as FieldValue;
}
