/**
 * List endpoints: the ordinary list and the status lists (`/archived`, `/cancelled`, `/deleted`,
 * `/inactive`): filter, hide, sort and page one resource table. Throws QueryError on a bad query.
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
import { fieldValue, type ResourceModel } from './resources/model.js';
import type { Body, ResourceTable, Version } from './store.js';
import { type ReadMode, revealedBy, shownBody } from './visibility.js';

/** Cliniko's `/deleted` lists accept only these filters (ISSUE #231, #305). */
const DELETED_FILTERS: FieldTypes = { id: 'integer', deleted_at: 'datetime' };

/**
 * The last few list results per table, reused while the table is unchanged and fully visible, so a
 * client paging through 100k records pays for one filter-and-sort pass, not one per page.
 */
const resultCache = new WeakMap<ResourceTable, { key: string; revision: number; matches: Body[] }[]>();
const CACHED_QUERIES_PER_TABLE = 4;

export function list(
  request: ApiRequest,
  model: ResourceModel,
  mode: Exclude<ReadMode, 'record'>,
): ApiResponse {
  const params = request.url.searchParams;
  const fields = mode === 'deleted' ? DELETED_FILTERS : model.filters;
  const rawFilters = readFilterParams(params);
  const filters = parseFilters(rawFilters, fields);
  const sortParam = params.get('sort');
  const compare = sortParam ? parseSort(sortParam, fields) : undefined;
  const { page, perPage } = parsePaging(params);
  const table = request.account.table(model.name);
  // Quirks change what a query returns, so they are part of what a cached result answered.
  const key = JSON.stringify([mode, rawFilters, sortParam, request.quirks.enabled()]);
  const cached = resultCache.get(table) ?? [];
  const stable = request.realNow >= table.settledAt;
  let matches = stable
    ? cached.find((c) => c.key === key && c.revision === table.revision)?.matches
    : undefined;
  if (!matches) {
    matches = findMatches(request, model, table, mode, filters, compare);
    if (stable) {
      resultCache.set(
        table,
        [
          { key, revision: table.revision, matches },
          ...cached.filter((c) => c.key !== key && c.revision === table.revision),
        ].slice(0, CACHED_QUERIES_PER_TABLE),
      );
    }
  }
  const start = (page - 1) * perPage;
  const items = matches.slice(start, start + perPage);
  const view = mode === 'deleted' && model.deletedView ? model.deletedView : undefined;
  return {
    status: 200,
    json: {
      [model.name]: view ? items.map(view) : items,
      total_entries: matches.length,
      links: pageLinks(request.url, page, perPage, matches.length),
    },
  };
}

/** One pass over the table in default order: visibility, hiding, filters; then sort. */
function findMatches(
  request: ApiRequest,
  model: ResourceModel,
  table: ResourceTable,
  mode: Exclude<ReadMode, 'record'>,
  filters: ParsedFilters,
  compare: RecordComparator | undefined,
): Body[] {
  const revealed = revealedBy(model, filters, request.quirks);
  let current: Body = {};
  const get: FieldGetter = (field) => fieldValue(model, current, field);
  const matches: Version[] = [];
  for (const record of table.ordered()) {
    const version = record.visible(request.realNow);
    const body = shownBody(model, version, mode, revealed);
    if (!body || !version) continue;
    current = body;
    if (filters.matches(get)) matches.push(version);
  }
  if (!compare) return matches.map((version) => version.body);
  const precise = request.quirks.has('subsecond-order');
  const keyed = matches.map((version) => ({
    body: version.body,
    get: (field: string) =>
      precise && field === 'updated_at' ? preciseUpdatedAt(version) : fieldValue(model, version.body, field),
  }));
  keyed.sort((a, b) => compare(a.get, b.get));
  return keyed.map((k) => k.body);
}

/** `updated_at` with the version's hidden instant, for sorting only: it is never sent. */
function preciseUpdatedAt(version: Version): FieldValue {
  const updatedAt = version.body.updated_at;
  if (typeof updatedAt !== 'string') return null;
  if (!/:\d{2}Z$/.test(updatedAt)) return updatedAt;
  return `${updatedAt.slice(0, -1)}.${String(version.subsecond).padStart(6, '0')}Z`;
}
