/**
 * Cliniko's page-number pagination: `page` (default 1) and `per_page` (default 50, at most 100),
 * and the `links` object whose URLs keep every query parameter, so `next` keeps the filters.
 */
import { QueryError } from './query-error.js';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;

export interface Paging {
  readonly page: number;
  readonly perPage: number;
}

export interface PageLinks {
  self: string;
  next?: string;
  previous?: string;
}

/** Reads `page` and `per_page`; throws QueryError (400) unless each is a whole number ≥ 1. */
export function parsePaging(params: URLSearchParams): Paging {
  const page = readPositive(params.get('page'), 1);
  if (page === undefined || page > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new QueryError('page must be a whole number of at least 1');
  }
  const perPage = readPositive(params.get('per_page'), DEFAULT_PER_PAGE);
  if (perPage === undefined) {
    throw new QueryError(`per_page must be a whole number from 1 to ${MAX_PER_PAGE}`);
  }
  // Cliniko caps rather than rejects a large per_page.
  return { page: Number(page), perPage: perPage > MAX_PER_PAGE ? MAX_PER_PAGE : Number(perPage) };
}

/** BigInt so that a 30-digit value is judged by its size, not rounded. Undefined when invalid. */
function readPositive(raw: string | null, fallback: number): bigint | undefined {
  if (raw === null) return BigInt(fallback);
  if (!/^\d+$/.test(raw)) return undefined;
  const value = BigInt(raw);
  return value >= 1n ? value : undefined;
}

/** `self`, plus `next` when a later page has records and `previous` when page > 1. */
export function pageLinks(requestUrl: URL, page: number, perPage: number, totalEntries: number): PageLinks {
  const links: PageLinks = { self: linkToPage(requestUrl, page) };
  if (page * perPage < totalEntries) links.next = linkToPage(requestUrl, page + 1);
  if (page > 1) links.previous = linkToPage(requestUrl, page - 1);
  return links;
}

/** The request URL with `page` replaced in place (or appended); everything else kept in order. */
function linkToPage(requestUrl: URL, page: number): string {
  const params = new URLSearchParams();
  let placed = false;
  for (const [key, value] of requestUrl.searchParams) {
    if (key !== 'page') params.append(key, value);
    else if (!placed) {
      params.append('page', String(page));
      placed = true;
    }
  }
  if (!placed) params.append('page', String(page));
  const url = new URL(requestUrl.href);
  // Links must never carry credentials, even if the request URL did.
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = params.toString();
  return url.href;
}
