/**
 * Maps a non-2xx Cliniko answer to the typed error the caller acts on. Messages name the method,
 * path (no query), status, field names and request id only — never body text, query values or
 * the key — because errors end up in logs next to patient data pipelines.
 */
import {
  ClinikoAuthError,
  type ClinikoError,
  ClinikoForbiddenError,
  ClinikoNotFoundError,
  ClinikoRequestError,
  ClinikoValidationError,
  type RequestContext,
} from '../errors.js';
import { parseLosslessJson } from './lossless-json.js';

/** Cliniko's own fixed error texts: safe to repeat because they never contain request data. */
const KNOWN_MESSAGES: readonly string[] = [
  'This column is not searchable.',
  'Sort parameter must be a valid column name',
  'Invalid time frame definition. Please check from/to param limitations.',
  'must be an object',
  'Validation Failed',
];

const FIELD_NAME = /^[A-Za-z0-9_.[\]]{1,64}$/;

export interface ErrorTarget {
  /** The base URL requests go to, e.g. `https://api.au1.cliniko.com/v1`. */
  readonly baseUrl: string;
  /** The shard derived from the key, or undefined when the base URL was given explicitly. */
  readonly shard: string | undefined;
}

export function errorForStatus(context: RequestContext, bodyText: string, target: ErrorTarget): ClinikoError {
  const status = context.status ?? 0;
  const body = tryParseObject(bodyText);
  if (status === 401) {
    const where = target.shard
      ? `shard ${target.shard} (${target.baseUrl})`
      : `the configured base URL ${target.baseUrl}`;
    return new ClinikoAuthError(
      context,
      `Cliniko rejected the API key at ${where}. The key may be wrong or revoked — and a key from ` +
        'another shard also gets 401, because shards do not know each other. Check that the key ends ' +
        'in its shard suffix (e.g. "-au2") or pass --base-url with the right shard',
    );
  }
  if (status === 403) {
    return new ClinikoForbiddenError(
      context,
      `Cliniko refused access to ${context.path}: the API key's user lacks permission for this resource ` +
        'in Cliniko, or Cliniko blocked the client (check the User-Agent names your app and a real contact email)',
    );
  }
  if (status === 404) {
    return new ClinikoNotFoundError(context, `Cliniko has no resource at ${context.path}`);
  }
  if (status === 422) return new ClinikoValidationError(context, fieldNames(body));
  if (status >= 300 && status < 400) {
    return new ClinikoRequestError(
      context,
      'Cliniko answered with a redirect, which the client never follows (it would resend the API key); ' +
        'use the sharded base URL https://api.<shard>.cliniko.com/v1',
    );
  }
  const known = knownMessage(body, bodyText);
  return new ClinikoRequestError(
    context,
    `Cliniko rejected the request${known ? `: "${known}"` : ''}; this is a bug in what the bridge sent or a stream setting`,
  );
}

function tryParseObject(text: string): Readonly<Record<string, unknown>> | undefined {
  try {
    const parsed = parseLosslessJson(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function fieldNames(body: Readonly<Record<string, unknown>> | undefined): string[] {
  const errors = body?.errors;
  if (!isObject(errors)) return [];
  return Object.keys(errors).filter((name) => FIELD_NAME.test(name));
}

function knownMessage(body: Readonly<Record<string, unknown>> | undefined, text: string): string | undefined {
  const candidate = typeof body?.message === 'string' ? body.message : text.trim();
  return KNOWN_MESSAGES.find((known) => known === candidate);
}

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
