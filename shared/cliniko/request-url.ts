/**
 * Request URLs: list queries as Cliniko expects them (`per_page`, `page`, `sort`, one `q[]` per
 * filter), and the guard that keeps a `links.next` from carrying the API key anywhere else.
 */
import type { ListQuery } from '../engine/ports.js';
import { ConfigError, ContractError } from '../errors.js';

/** `path` is relative to the base URL (`/patients/1`); absolute URLs, queries and `..` are refused. */
export function resourceUrl(baseUrl: string, path: string): URL {
  const relative = path.replace(/^\/+/, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(relative) || /[?#]/.test(relative) || /(^|\/)\.\.?(\/|$)/.test(relative)) {
    throw new ConfigError(
      'path',
      'must be a path under the base URL such as /patients, without query or "..".',
    );
  }
  return new URL(`${baseUrl.replace(/\/+$/, '')}/${relative}`);
}

export function listUrl(baseUrl: string, path: string, query: ListQuery): URL {
  const url = resourceUrl(baseUrl, path);
  const perPage = query.perPage ?? 100;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
    throw new ConfigError('perPage', 'must be a whole number from 1 to 100 (Cliniko caps pages at 100)');
  }
  url.searchParams.set('per_page', String(perPage));
  if (query.page !== undefined) {
    if (!Number.isInteger(query.page) || query.page < 1) throw new ConfigError('page', 'must be 1 or more');
    url.searchParams.set('page', String(query.page));
  }
  if (query.sort !== undefined) url.searchParams.set('sort', query.sort);
  for (const filter of query.filters ?? []) url.searchParams.append('q[]', filter);
  return url;
}

/**
 * The next page's URL, only if it stays on the base URL's origin and under its path: a hostile
 * or broken response must never redirect the API key to another host.
 */
export function followableNext(next: string, current: URL, base: URL): URL {
  const context = { method: 'GET', path: current.pathname };
  let url: URL;
  try {
    url = new URL(next);
  } catch {
    throw new ContractError(context, '"links.next" is not an absolute URL');
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const inside = basePath === '' || url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
  if (url.origin !== base.origin || url.username !== '' || url.password !== '' || !inside) {
    throw new ContractError(
      context,
      '"links.next" points outside the configured base URL; refusing to send the API key there',
    );
  }
  return url;
}
