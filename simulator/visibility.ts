/**
 * Which records a read shows: Cliniko's default lists hide archived, cancelled, deleted and (for
 * practitioners) inactive records; a query reveals a lifecycle state by filtering on its timestamp,
 * and each status list shows only its own state.
 */
import type { ParsedFilters } from './query/index.js';
import type { QuirkSet } from './quirks.js';
import type { ResourceModel } from './resources/model.js';
import type { Body, Version } from './store.js';

/**
 * `list`: the ordinary list; `record`: a single record by id (like the list, but an inactive
 * practitioner is still found); the rest are the status lists of the same name.
 */
export type ReadMode = 'list' | 'record' | 'archived' | 'cancelled' | 'deleted' | 'inactive';

export type StatusList = Exclude<ReadMode, 'list' | 'record'>;

export interface Revealed {
  readonly archived: boolean;
  readonly cancelled: boolean;
  readonly deleted: boolean;
}

/**
 * The lifecycle states the query reveals. `*` on the field always does (documented); any other
 * operator does too, unless `range-filter-keeps-hidden` is on. Only where the field is filterable.
 */
export function revealedBy(
  model: Pick<ResourceModel, 'filters'>,
  filters: ParsedFilters,
  quirks: QuirkSet,
): Revealed {
  const rangeReveals = !quirks.has('range-filter-keeps-hidden');
  const reveals = (field: string) =>
    field in model.filters && (filters.starred.has(field) || (rangeReveals && filters.fields.has(field)));
  return {
    archived: reveals('archived_at'),
    cancelled: reveals('cancelled_at'),
    deleted: reveals('deleted_at'),
  };
}

const isSet = (value: Body[string] | undefined): boolean =>
  value !== undefined && value !== null && value !== '';

/** The body a read in `mode` shows of `version`, or undefined when the record is not shown. */
export function shownBody(
  model: ResourceModel,
  version: Version | undefined,
  mode: ReadMode,
  revealed: Revealed,
): Body | undefined {
  if (!version || version.vanished) return undefined;
  const body = version.body;
  if (mode === 'deleted') return version.deleted ? body : undefined;
  const ordinary = mode === 'list' || mode === 'record';
  if (version.deleted && !(ordinary && revealed.deleted)) return undefined;
  switch (mode) {
    case 'archived':
      return isSet(body.archived_at) ? body : undefined;
    case 'cancelled':
      return isSet(body.cancelled_at) ? body : undefined;
    case 'inactive':
      return body.active === false ? body : undefined;
  }
  if ('archived_at' in model.filters && isSet(body.archived_at) && !revealed.archived) return undefined;
  if ('cancelled_at' in model.filters && isSet(body.cancelled_at) && !revealed.cancelled) return undefined;
  if (mode === 'list' && model.feeds.inactive === true && body.active === false) return undefined;
  return body;
}

/**
 * Whether `segment` names a status list the resource has. The legacy `/archived`, `/cancelled` and
 * `/deleted` lists are gone from the current spec (`no-status-feeds`); `/inactive` is in it.
 */
export function isStatusList(model: ResourceModel, segment: string, quirks: QuirkSet): segment is StatusList {
  if (segment === 'inactive') return model.feeds.inactive === true;
  if (quirks.has('no-status-feeds')) return false;
  return (
    (segment === 'archived' && model.feeds.archived === true) ||
    (segment === 'cancelled' && model.feeds.cancelled === true) ||
    (segment === 'deleted' && model.feeds.deleted === true)
  );
}
