/**
 * An in-memory `ClinikoReader` for engine tests: the list semantics the engine relies on, without
 * HTTP. It supports the filters the engine sends (`>= <= > < =` on timestamps and ids, `=` with a
 * list of ids, `*` reveal), sorting by several columns, `per_page`/`page`, `total_entries`,
 * `links.next`; hides archived, cancelled and soft-deleted records unless revealed (where the
 * registry says the list filters on that timestamp); lists inactive practitioners only under
 * `/practitioners/inactive`; serves `/deleted` feeds that accept only `deleted_at` and `id` filters;
 * stamps writes with a controllable one-second clock; can make writes visible late (keeping their
 * earlier `updated_at`) and fail requests on demand.
 */

import type { ClinikoReader, ClinikoRecord, ListPage, ListQuery } from '../../shared/engine/ports.js';
import { ClinikoNotFoundError, ClinikoRequestError, ClinikoUnavailableError } from '../../shared/errors.js';
import { STREAMS, type StreamDefinition } from '../../shared/streams.js';

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

const FILTER = /^([a-z_]+):(>=|<=|>|<|=|\*)(.*)$/;
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
  private readonly faults: { after: number; error: Error }[] = [];

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

  /** The request after `after` more successful ones throws `error` (a 503 by default). */
  failRequest(after = 0, error?: Error): void {
    this.faults.push({
      after,
      error:
        error ??
        new ClinikoUnavailableError({ method: 'GET', path: '/injected', status: 503 }, 'injected outage'),
    });
  }

  /** Forgets failures that were asked for but not triggered yet. */
  clearFaults(): void {
    this.faults.length = 0;
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
    const fault = this.faults[0];
    if (fault !== undefined) {
      if (fault.after === 0) {
        this.faults.shift();
        throw fault.error;
      }
      fault.after -= 1;
    }
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
    const conditions = request.filters.map((filter) => parseFilter(path, filter, feed));
    const rows = feed ? this.deletedRows(stream.name) : this.listRows(stream, request.filters, inactive);
    const matching = sortRows(
      rows.filter((row) => conditions.every((test) => test(row))),
      request.sort,
    );
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

function parseFilter(path: string, filter: string, feed: boolean): (row: Fields) => boolean {
  const match = FILTER.exec(filter);
  const [, field, operator, value] = match ?? [];
  if (field === undefined || operator === undefined || value === undefined) {
    throw new ClinikoRequestError({ method: 'GET', path, status: 400 }, 'Invalid filter');
  }
  if (feed && field !== 'deleted_at' && field !== 'id') {
    throw new ClinikoRequestError({ method: 'GET', path, status: 400 }, 'This column is not searchable.');
  }
  if (operator === '*') return () => true;
  if (operator === '=' && field === 'id' && value.includes(',')) {
    const ids = new Set(value.split(','));
    return (row) => ids.has(String(row.id));
  }
  return (row) => {
    const actual = row[field];
    if (actual === null || actual === undefined || actual === '') return false;
    const order = compareValues(field, actual, value);
    switch (operator) {
      case '>=':
        return order >= 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      case '<':
        return order < 0;
      default:
        return order === 0;
    }
  };
}

function compareValues(field: string, a: unknown, b: unknown): number {
  if (field === 'id') {
    const x = BigInt(String(a));
    const y = BigInt(String(b));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (field.endsWith('_at')) return Math.sign(Date.parse(String(a)) - Date.parse(String(b))) || 0;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function sortRows(rows: Fields[], sort: string | undefined): Fields[] {
  const keys = (sort ?? 'created_at').split(',').map((part) => {
    const [field = 'created_at', direction] = part.split(':');
    return { field, sign: direction === 'desc' ? -1 : 1 };
  });
  return [...rows].sort((a, b) => {
    for (const { field, sign } of keys) {
      const order = compareValues(field, a[field] ?? '', b[field] ?? '');
      if (order !== 0) return order * sign;
    }
    return 0;
  });
}
