/**
 * The query language of the Cliniko simulator: `q[]` filters, `sort`, `page`/`per_page` and page
 * links, as pure functions. The HTTP layer turns a thrown QueryError into a 400 with its `body`.
 */
export type { FieldGetter, FieldType, FieldTypes, FieldValue } from './fields.js';
export { type ParsedFilters, parseFilters, readFilterParams } from './filters.js';
export {
  DEFAULT_PER_PAGE,
  MAX_PER_PAGE,
  type PageLinks,
  type Paging,
  pageLinks,
  parsePaging,
} from './paging.js';
export { INVALID_SORT_COLUMN, NOT_SEARCHABLE, QueryError } from './query-error.js';
export { compareIdentifiers, parseSort, type RecordComparator } from './sort.js';
