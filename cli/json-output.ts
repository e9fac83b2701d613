/**
 * `--json` the same way on every command that prints a result (`doctor`, `version`, `replay`, and the
 * listing commands to come, e.g. `accounts list`): add `JSON_OPTION` to the command's flags and
 * `JSON_HELP` to its usage, then print through `printResult` (one document) or `printListing` (rows).
 *
 * The contract, for scripts: with `--json`, stdout carries exactly one JSON document followed by a
 * newline, and nothing else; progress and notices stay on stderr; exit codes are the same as without
 * it. A failure that stops the command before it has a result (bad arguments: exit 2) prints its
 * message on stderr and nothing on stdout. A listing is a JSON array of one object per row.
 */
import { type Column, formatTable } from './text-table.js';

export const JSON_OPTION = { json: { type: 'boolean' } } as const;

export const JSON_HELP =
  '  --json                   print the result as one JSON document on stdout (same exit codes)\n';

type Out = NodeJS.WritableStream;

export function writeJson(out: Out, value: unknown): void {
  out.write(`${JSON.stringify(value)}\n`);
}

/** `result` as JSON with `--json`, else as the text `render` makes of it. */
export function printResult<T>(out: Out, json: boolean, result: T, render: (result: T) => string): void {
  if (json) writeJson(out, result);
  else out.write(render(result));
}

/** Rows as a JSON array with `--json`, else as an aligned text table of `columns`. */
export function printListing<Row>(
  out: Out,
  json: boolean,
  columns: readonly Column<Row>[],
  rows: readonly Row[],
): void {
  if (json) writeJson(out, rows);
  else out.write(formatTable(columns, rows));
}
