/**
 * The Cliniko API routes of an authenticated request: lists (with the status feeds), single records,
 * the write endpoints a resource offers, and the read-only views over several resources
 * (`/bookings`). Returns a plain response description; `server.ts` puts it on the wire.
 */
import { list, listView, viewParts } from './listing.js';
import { parseFilters, QueryError, readFilterParams } from './query/index.js';
import type { QuirkSet } from './quirks.js';
import type { ResourceView } from './resources/bookings.js';
import { fieldValue, type ResourceModel, type ValidationErrors } from './resources/model.js';
import { findModel, findView } from './resources/registry.js';
import type { Account, Body } from './store.js';
import { isStatusList, revealedBy, shownBody } from './visibility.js';
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
  readonly quirks: QuirkSet;
}

/** Cliniko answers an unknown path or method with an HTML page. */
export const NOT_FOUND_PAGE =
  "<!DOCTYPE html>\n<html>\n<head><title>The page you were looking for doesn't exist (404)</title></head>\n" +
  "<body><h1>The page you were looking for doesn't exist.</h1></body>\n</html>\n";

const notFound: ApiResponse = { status: 404, html: NOT_FOUND_PAGE };

const ID = /^\d{1,19}$/;

export function handleApi(request: ApiRequest, writer: Writer): ApiResponse {
  const { method, segments } = request;
  const [resource, second, third, ...rest] = segments;
  const view = resource ? findView(resource) : undefined;
  // A view is read-only: its list and its records by id.
  if (view && method === 'GET' && third === undefined && rest.length === 0) {
    if (second === undefined) return guarded(() => listView(request, view));
    if (ID.test(second)) return showView(request, view, second);
  }
  const model = resource ? findModel(resource) : undefined;
  if (!model || rest.length > 0) return notFound;
  if (second === undefined) {
    if (method === 'GET') return guarded(() => list(request, model, 'list'));
    if (method === 'POST' && (model.writes?.create ?? true))
      return created(request, model, writer.create(request.account, model, request.body));
    return notFound;
  }
  if (third === undefined && method === 'GET' && isStatusList(model, second, request.quirks)) {
    return guarded(() => list(request, model, second));
  }
  if (!ID.test(second)) return notFound;
  const { account, body } = request;
  if (third === undefined) {
    if (method === 'GET') return show(request, model, second);
    if ((method === 'PATCH' || method === 'PUT') && (model.writes?.update ?? true))
      return withBody(writer.update(account, model, second, body));
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
    // Like the lists, a single archived, cancelled or deleted record must be revealed (`archived_at:*` …).
    const body = shownBody(model, version, 'record', revealedBy(model, filters, request.quirks));
    if (!body || !filters.matches((field) => fieldValue(model, body, field))) return notFound;
    return { status: 200, json: body };
  });
}

function showView(request: ApiRequest, view: ResourceView, id: string): ApiResponse {
  return guarded(() => {
    const filters = parseFilters(readFilterParams(request.url.searchParams), view.filters);
    const revealed = revealedBy(view, filters, request.quirks);
    for (const { model, table } of viewParts(request.account, view)) {
      const version = table.records.get(id)?.visible(request.realNow);
      if (!version) continue;
      const body = shownBody(model, version, 'record', revealed);
      if (!body || !filters.matches((field) => view.value(model, body, field))) return notFound;
      return { status: 200, json: view.present(body) };
    }
    return notFound;
  });
}
