/**
 * A rejected query: the simulator answers it with status 400 and `body` as JSON, like Cliniko.
 * Messages name fields, types and operators only, never the values a client sent (they may be PHI).
 */
export class QueryError extends Error {
  readonly status = 400 as const;
  readonly body: { message: string };

  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
    this.body = { message };
  }
}

/** Cliniko's exact body for a filter on a field the endpoint does not allow. */
export const NOT_SEARCHABLE = 'This column is not searchable.';

/** Cliniko's exact body for an unknown sort column. */
export const INVALID_SORT_COLUMN = 'Sort parameter must be a valid column name';
