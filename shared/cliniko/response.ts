/**
 * Checks that a 2xx answer has the documented shape. Anything else (HTML from a proxy, a body cut
 * off mid-way, wrong types) is a `ContractError`: malformed bodies are errors, never data.
 * Messages describe the problem, never the body.
 */

import type { ClinikoRecord } from '../engine/ports.js';
import type { RequestContext } from '../errors.js';
import { ContractError } from '../errors.js';
import { parseLosslessJson } from './lossless-json.js';
import { hasUsableId, normaliseIds } from './record-ids.js';
import { isObject } from './status-errors.js';

/** The HTTP `Date` header as a Date: the engine's clock. */
export function parseServerTime(dateHeader: string | undefined, context: RequestContext): Date {
  const time = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader);
  if (!Number.isFinite(time)) {
    throw new ContractError(
      context,
      `Cliniko's response has ${dateHeader === undefined ? 'no' : 'an invalid'} Date header; the bridge needs server time to place its watermark`,
    );
  }
  return new Date(time);
}

/** Parses a JSON body (ids normalised), refusing HTML and anything that is not valid JSON. */
export function parseJsonBody(
  text: string,
  contentType: string | undefined,
  context: RequestContext,
): unknown {
  const trimmed = text.trimStart();
  if (/text\/html/i.test(contentType ?? '') || trimmed.startsWith('<')) {
    throw new ContractError(
      context,
      'Cliniko answered with an HTML page instead of JSON (a proxy or error page?)',
    );
  }
  if (trimmed === '')
    throw new ContractError(context, 'Cliniko answered with an empty body where JSON was expected');
  let parsed: unknown;
  try {
    parsed = parseLosslessJson(text);
  } catch {
    // No `cause`: the SyntaxError's message quotes part of the body.
    throw new ContractError(
      context,
      'Cliniko answered with a body that is not valid JSON (truncated or not JSON)',
    );
  }
  return normaliseIds(parsed);
}

export function parseObjectBody(body: unknown, context: RequestContext): Readonly<Record<string, unknown>> {
  if (!isObject(body))
    throw new ContractError(context, 'Cliniko answered with JSON whose top level is not an object');
  return body;
}

export function parseRecord(value: unknown, context: RequestContext, where = 'the record'): ClinikoRecord {
  if (!isObject(value)) throw new ContractError(context, `${where} is not a JSON object`);
  if (hasUsableId(value)) return value as ClinikoRecord;
  // Minimal items of the legacy `/deleted` feeds carry only `deleted_at` and `links.self`.
  const id = idFromSelfLink(value.links);
  if (id === undefined) throw new ContractError(context, `${where} has no usable id`);
  return { ...value, id };
}

/** The last path segment of `links.self` when it is a decimal id, e.g. `…/patients/1390726237298631770`. */
function idFromSelfLink(links: unknown): string | undefined {
  if (!isObject(links) || typeof links.self !== 'string') return undefined;
  try {
    const segment = new URL(links.self).pathname.split('/').pop() ?? '';
    return /^\d{1,20}$/.test(segment) ? segment : undefined;
  } catch {
    return undefined;
  }
}

export interface ParsedList {
  readonly records: readonly ClinikoRecord[];
  readonly totalEntries: number | undefined;
  readonly nextUrl: string | undefined;
}

export function parseListBody(body: unknown, arrayKey: string, context: RequestContext): ParsedList {
  const object = parseObjectBody(body, context);
  if (!(arrayKey in object)) throw new ContractError(context, `the list has no "${arrayKey}" array`);
  const items = object[arrayKey];
  if (!Array.isArray(items)) throw new ContractError(context, `"${arrayKey}" is not an array`);
  const records = items.map((item, index) => parseRecord(item, context, `${arrayKey}[${index}]`));
  return {
    records,
    totalEntries: totalEntries(object.total_entries),
    nextUrl: nextLink(object.links, context),
  };
}

/** `total_entries` is optional in the docs (and once a string): use it only when it is a count. */
function totalEntries(value: unknown): number | undefined {
  const count = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}

function nextLink(links: unknown, context: RequestContext): string | undefined {
  if (links === undefined || links === null) return undefined;
  if (!isObject(links)) throw new ContractError(context, '"links" is not an object');
  const next = links.next;
  if (next === undefined || next === null) return undefined;
  if (typeof next !== 'string' || next === '') throw new ContractError(context, '"links.next" is not a URL');
  return next;
}
