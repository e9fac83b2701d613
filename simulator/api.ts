/**
 * The Cliniko API routes of an authenticated request: lists (with the status feeds), single records
 * and the write endpoints. Returns a plain response description; `server.ts` puts it on the wire.
 */
import {
  type FieldGetter,
  type FieldTypes,
  type ParsedFilters,
  pageLinks,
  parseFilters,
  parsePaging,
  parseSort,
  QueryError,
  type RecordComparator,
  readFilterParams,
} from './query/index.js';
import { fieldValue, type ResourceModel, type ValidationErrors } from './resources/model.js';
import { findModel } from './resources/registry.js';
import type { Account, Body, ResourceTable, StoredRecord } from './store.js';
import type { WriteResult, Writer } from './writes.js';

export type ApiResponse =
  | { readonly status: number; readonly json: unknown; readonly headers?: Record<string, string> }
  | { readonly status: number; readonly html: string }
  | { readonly status: 204 };

export interface ApiRequest {
  readonly account: Account;
  readonly method: string;
  /** Path segments after `/v1`. */
  readonly segments: readonly string[];
  /** The request URL as the client addressed it on the simulator's base (used for page links). */
  readonly url: URL;
  readonly body: Body;
  /** Real time, for late-commit visibility. */
  readonly realNow: number;
  /** `http://host:port/v1`, for the `Location` header. */
  readonly baseUrl: string;
}

/** Cliniko answers an unknown path or method with an HTML page. */
export const NOT_FOUND_PAGE =
  "<!DOCTYPE html>\n<html>\n<head><title>The page you were looking for doesn't exist (404)</title></head>\n" +
  "<body><h1>The page you were looking for doesn't exist.</h1></body>\n</html>\n";

const notFound: ApiResponse = { status: 404, html: NOT_FOUND_PAGE };

const DELETED_FILTERS: FieldTypes = { id: 'integer', deleted_at: 'datetime' };

type ListMode = 'list' | 'archived' | 'cancelled' | 'deleted';

const ID = /^\d{1,19}$/;

export function handleApi(request: ApiRequest, writer: Writer): ApiResponse {
  const { method, segments } = request;
  const [resource, second, third, ...rest] = segments;
  const model = resource ? findModel(resource) : undefined;
  if (!model || rest.length > 0) return notFound;
  if (second === undefined) {
    if (method === 'GET') return list(request, model, 'list');
    if (method === 'POST')
      return created(request, model, writer.create(request.account, model, request.body));
    return notFound;
  }
  if (third === undefined && method === 'GET' && isFeed(model, second)) return list(request, model, second);
  if (!ID.test(second)) return notFound;
  const { account, body } = request;
  if (third === undefined) {
    if (method === 'GET') return show(request, model, second);
    if (method === 'PATCH' || method === 'PUT') return withBody(writer.update(account, model, second, body));
    if (method === 'DELETE' && model.deletable) return noContent(writer.delete(account, model, second));
    return notFound;
  }
  if (method === 'POST' && third === 'archive' && model.archivable) {
    return noContent(writer.archive(account, model, second));
  }
  if (method === 'POST' && third === 'unarchive' && model.archivable) {
    return noContent(writer.unarchive(account, model, second));
  }
  if (method === 'PATCH' && third === 'cancel' && model.cancellable) {
    return noContent(writer.cancel(account, model, second, body));
  }
  return notFound;
}

function isFeed(model: ResourceModel, segment: string): segment is 'archived' | 'cancelled' | 'deleted' {
  return (
    (segment === 'archived' && model.feeds.archived === true) ||
    (segment === 'cancelled' && model.feeds.cancelled === true) ||
    (segment === 'deleted' && model.feeds.deleted === true)
  );
}

function invalid(errors: ValidationErrors): ApiResponse {
  return { status: 422, json: { message: 'Validation Failed', errors } };
}

function withBody(result: WriteResult): ApiResponse {
  if (result.kind === 'not_found') return notFound;
  if (result.kind === 'invalid') return invalid(result.errors);
  return { status: 200, json: result.body };
}

function noContent(result: WriteResult): ApiResponse {
  if (result.kind === 'not_found') return notFound;
  if (result.kind === 'invalid') return invalid(result.errors);
  return { status: 204 };
}

function created(request: ApiRequest, model: ResourceModel, result: WriteResult): ApiResponse {
  if (result.kind !== 'ok') return withBody(result);
  const location = `${request.baseUrl}/${model.name}/${String(result.body.id)}`;
  return { status: 201, json: result.body, headers: { Location: location } };
}

/** Which default-hidden records the query reveals by filtering on their lifecycle field. */
function hiddenRule(model: ResourceModel, revealed: ReadonlySet<string>): (body: Body) => boolean {
  const hideArchived = 'archived_at' in model.filters && !revealed.has('archived_at');
  const hideCancelled = model.cancellable && !revealed.has('cancelled_at');
  return (body) =>
    (hideArchived && Boolean(body.archived_at)) || (hideCancelled && Boolean(body.cancelled_at));
}

function guarded(run: () => ApiResponse): ApiResponse {
  try {
    return run();
  } catch (error) {
    if (error instanceof QueryError) return { status: error.status, json: error.body };
    throw error;
  }
}

function show(request: ApiRequest, model: ResourceModel, id: string): ApiResponse {
  return guarded(() => {
    const filters = parseFilters(readFilterParams(request.url.searchParams), model.filters);
    const version = request.account.table(model.name).records.get(id)?.visible(request.realNow);
    if (!version || version.deleted) return notFound;
    const body = version.body;
    // Like the lists, a single archived or cancelled record needs `archived_at:*` / `cancelled_at:*`.
    if (hiddenRule(model, filters.fields)(body)) return notFound;
    if (!filters.matches((field) => fieldValue(model, body, field))) return notFound;
    return { status: 200, json: body };
  });
}

/**
 * The last few list results per table, reused while the table is unchanged and fully visible, so a
 * client paging through 100k records pays for one filter-and-sort pass, not one per page.
 */
const resultCache = new WeakMap<ResourceTable, { key: string; revision: number; matches: Body[] }[]>();
const CACHED_QUERIES_PER_TABLE = 4;

function list(request: ApiRequest, model: ResourceModel, mode: ListMode): ApiResponse {
  return guarded(() => {
    const params = request.url.searchParams;
    const fields = mode === 'deleted' ? DELETED_FILTERS : model.filters;
    const rawFilters = readFilterParams(params);
    const filters = parseFilters(rawFilters, fields);
    const sortParam = params.get('sort');
    const compare = sortParam ? parseSort(sortParam, fields) : undefined;
    const { page, perPage } = parsePaging(params);
    const table = request.account.table(model.name);
    const key = JSON.stringify([mode, rawFilters, sortParam]);
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
  });
}

/** One pass over the table in default order: visibility, default hiding, feed membership, filters; then sort. */
function findMatches(
  request: ApiRequest,
  model: ResourceModel,
  table: ResourceTable,
  mode: ListMode,
  filters: ParsedFilters,
  compare: RecordComparator | undefined,
): Body[] {
  const hidden = mode === 'list' ? hiddenRule(model, filters.fields) : () => false;
  let current: Body = {};
  const get: FieldGetter = (field) => fieldValue(model, current, field);
  const matches: Body[] = [];
  for (const record of table.ordered()) {
    const body = visibleBody(record, request.realNow, mode === 'deleted');
    if (!body || hidden(body)) continue;
    if (mode === 'archived' && !body.archived_at) continue;
    if (mode === 'cancelled' && !body.cancelled_at) continue;
    current = body;
    if (filters.matches(get)) matches.push(body);
  }
  if (!compare) return matches;
  const keyed = matches.map((body) => ({ body, get: (f: string) => fieldValue(model, body, f) }));
  keyed.sort((a, b) => compare(a.get, b.get));
  return keyed.map((k) => k.body);
}

function visibleBody(record: StoredRecord, realNow: number, deleted: boolean): Body | undefined {
  const version = record.visible(realNow);
  if (!version || version.deleted !== deleted) return undefined;
  return version.body;
}
