/**
 * List endpoints: the ordinary list, the status lists (`/archived`, `/cancelled`, `/deleted`,
 * `/inactive`) and the views over several resources (`/bookings`): filter, hide, sort and page
 * one or more resource tables. Throws QueryError on a bad query.
 */
import type { ApiRequest, ApiResponse } from './api.js';
import {
  type FieldGetter,
  type FieldTypes,
  type FieldValue,
  type ParsedFilters,
  pageLinks,
  parseFilters,
  parsePaging,
  parseSort,
  type RecordComparator,
  readFilterParams,
} from './query/index.js';
import type { ResourceView } from './resources/bookings.js';
import { fieldValue, type ResourceModel } from './resources/model.js';
import { findModel } from './resources/registry.js';
import {
  type Account,
  type Body,
  compareCreation,
  type ResourceTable,
  type StoredRecord,
  type Version,
} from './store.js';
import { type ReadMode, revealedBy, shownBody } from './visibility.js';

/** Cliniko's `/deleted` lists accept only these filters (ISSUE #231, #305). */
const DELETED_FILTERS: FieldTypes = { id: 'integer', deleted_at: 'datetime' };

type ListMode = Exclude<ReadMode, 'record'>;

/** One table a list reads, with the model that says how its records are hidden and read. */
export interface ListPart {
  readonly model: ResourceModel;
  readonly table: ResourceTable;
}

/** What one list reads and how it shows it. */
interface ListSource {
  /** The reply's array key; also names the list in the result cache. */
  readonly key: string;
  readonly filters: FieldTypes;
  readonly parts: readonly ListPart[];
  value(model: ResourceModel, body: Body, field: string): FieldValue;
  present(model: ResourceModel, body: Body): Body;
}

interface CachedResult {
  readonly key: string;
  readonly revision: string;
  readonly matches: Match[];
}

interface Match {
  readonly model: ResourceModel;
  readonly body: Body;
}

/**
 * The last few results per list, reused while its tables are unchanged and fully visible, so a
 * client paging through 100k records pays for one filter-and-sort pass, not one per page.
 */
const resultCache = new WeakMap<Account, Map<string, CachedResult[]>>();
const CACHED_QUERIES_PER_LIST = 4;

export function list(request: ApiRequest, model: ResourceModel, mode: ListMode): ApiResponse {
  const deletedView = mode === 'deleted' ? model.deletedView : undefined;
  return listSource(request, mode, {
    key: model.name,
    filters: mode === 'deleted' ? DELETED_FILTERS : model.filters,
    parts: [{ model, table: request.account.table(model.name) }],
    value: fieldValue,
    present: (_, body) => (deletedView ? deletedView(body) : body),
  });
}

export function listView(request: ApiRequest, view: ResourceView): ApiResponse {
  return listSource(request, 'list', {
    key: view.name,
    filters: view.filters,
    parts: viewParts(request.account, view),
    value: view.value,
    present: (_, body) => view.present(body),
  });
}

/** The tables a view reads. */
export function viewParts(account: Account, view: ResourceView): ListPart[] {
  return view.sources.flatMap((name) => {
    const model = findModel(name);
    return model ? [{ model, table: account.table(name) }] : [];
  });
}

function listSource(request: ApiRequest, mode: ListMode, source: ListSource): ApiResponse {
  const params = request.url.searchParams;
  const rawFilters = readFilterParams(params);
  const filters = parseFilters(rawFilters, source.filters);
  const sortParam = params.get('sort');
  const compare = sortParam ? parseSort(sortParam, source.filters) : undefined;
  const { page, perPage } = parsePaging(params);
  // Quirks change what a query returns, so they are part of what a cached result answered.
  const key = JSON.stringify([mode, rawFilters, sortParam, request.quirks.enabled()]);
  const revision = source.parts.map((part) => part.table.revision).join(',');
  const stable = source.parts.every((part) => request.realNow >= part.table.settledAt);
  const lists = resultCache.get(request.account) ?? new Map<string, CachedResult[]>();
  resultCache.set(request.account, lists);
  const cached = lists.get(source.key) ?? [];
  let matches = stable ? cached.find((c) => c.key === key && c.revision === revision)?.matches : undefined;
  if (!matches) {
    matches = findMatches(request, source, mode, filters, compare);
    if (stable) {
      const kept = cached.filter((c) => c.key !== key && c.revision === revision);
      lists.set(source.key, [{ key, revision, matches }, ...kept].slice(0, CACHED_QUERIES_PER_LIST));
    }
  }
  const start = (page - 1) * perPage;
  const items = matches.slice(start, start + perPage);
  return {
    status: 200,
    json: {
      [source.key]: items.map((match) => source.present(match.model, match.body)),
      total_entries: matches.length,
      links: pageLinks(request.url, page, perPage, matches.length),
    },
  };
}

/** The records of the parts in the default order (`created_at`, then id), each with its model. */
function* inDefaultOrder(
  parts: readonly ListPart[],
): Generator<{ model: ResourceModel; record: StoredRecord }> {
  // Each table is already in that order: merge them.
  const lists = parts.map((part) => part.table.ordered());
  const next = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const candidate = lists[i]?.[next[i] ?? 0];
      const leader = best === -1 ? undefined : lists[best]?.[next[best] ?? 0];
      if (candidate && (!leader || compareCreation(candidate, leader) < 0)) best = i;
    }
    const part = parts[best];
    const record = lists[best]?.[next[best] ?? 0];
    if (!part || !record) return;
    next[best] = (next[best] ?? 0) + 1;
    yield { model: part.model, record };
  }
}

/** One pass over the tables in default order: visibility, hiding, filters; then sort. */
function findMatches(
  request: ApiRequest,
  source: ListSource,
  mode: ListMode,
  filters: ParsedFilters,
  compare: RecordComparator | undefined,
): Match[] {
  const revealed = revealedBy(source, filters, request.quirks);
  let current: Match | undefined;
  const get: FieldGetter = (field) => (current ? source.value(current.model, current.body, field) : null);
  const matches: { model: ResourceModel; version: Version }[] = [];
  for (const { model, record } of inDefaultOrder(source.parts)) {
    const version = record.visible(request.realNow);
    const body = shownBody(model, version, mode, revealed);
    if (!body || !version) continue;
    current = { model, body };
    if (filters.matches(get)) matches.push({ model, version });
  }
  if (!compare) return matches.map(({ model, version }) => ({ model, body: version.body }));
  const precise = request.quirks.has('subsecond-order');
  const keyed = matches.map(({ model, version }) => ({
    match: { model, body: version.body },
    get: (field: string) =>
      precise && field === 'updated_at'
        ? preciseUpdatedAt(version)
        : source.value(model, version.body, field),
  }));
  keyed.sort((a, b) => compare(a.get, b.get));
  return keyed.map((k) => k.match);
}

/** `updated_at` with the version's hidden instant, for sorting only: it is never sent. */
function preciseUpdatedAt(version: Version): FieldValue {
  const updatedAt = version.body.updated_at;
  if (typeof updatedAt !== 'string') return null;
  if (!/:\d{2}Z$/.test(updatedAt)) return updatedAt;
  return `${updatedAt.slice(0, -1)}.${String(version.subsecond).padStart(6, '0')}Z`;
}
