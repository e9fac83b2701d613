/**
 * What the simulator knows about one Cliniko resource: its filterable fields, lifecycle capabilities,
 * writable fields with their validation, and how to generate realistic records. The generic write
 * logic (apply input, validate, link foreign keys) lives here so each resource file is mostly data.
 */
import type { FieldTypes, FieldValue } from '../query/index.js';
import { keyedRandom, type Random } from '../random.js';
import type { Account, Body, Json } from '../store.js';

/**
 * Links are stored against this placeholder base and rewritten to the server's real base URL when a
 * response is serialised, so stored data does not depend on the port (same seed, same data).
 */
export const LINK_BASE = 'http://cliniko-simulator.invalid/v1';

export type FieldSpec =
  | {
      /** `number` is any JSON number; `money` a decimal sent as a string (`"55.0"`), given as either. */
      readonly kind: 'string' | 'integer' | 'number' | 'money' | 'boolean' | 'datetime' | 'date' | 'object';
      readonly nullable?: boolean;
    }
  | { readonly kind: 'phones' }
  | { readonly kind: 'link'; readonly resource: string; readonly as: string; readonly path?: string };

export type ValidationErrors = Record<string, string>;

export interface WriteContext {
  readonly account: Account;
  /** Simulated now, already formatted (`YYYY-MM-DDTHH:MM:SSZ`). */
  readonly now: string;
  readonly nowMs: number;
}

export interface GenerateContext extends WriteContext {
  readonly random: Random;
  /** A random live record id of `resource` in this account. */
  pick(resource: string): string | undefined;
}

export interface ResourceModel {
  readonly name: string;
  /** Exactly the fields the 2023 spec documents for `q[]` on the list endpoint, with their types. */
  readonly filters: FieldTypes;
  /** Filter fields derived from a link (`patient_id` → the `patient` link). */
  readonly foreignKeys: Readonly<Record<string, string>>;
  readonly archivable: boolean;
  readonly cancellable: boolean;
  readonly deletable: boolean;
  /**
   * Status lists: the legacy `/archived`, `/cancelled` and `/deleted` (where Cliniko documented them)
   * and `/inactive`, whose resource's ordinary list shows only records with `active` true.
   */
  readonly feeds: {
    readonly archived?: boolean;
    readonly cancelled?: boolean;
    readonly deleted?: boolean;
    readonly inactive?: boolean;
  };
  /** The API's plain writes (default: both); without them records change only by churn and the backdoor. */
  readonly writes?: { readonly create: boolean; readonly update: boolean };
  /** What a delete leaves: `deleted_at` set (the default), or nothing where the record has no such field. */
  readonly deleteLeaves?: 'deleted_at' | 'nothing';
  readonly writable: Readonly<Record<string, FieldSpec>>;
  readonly required: readonly string[];
  /**
   * Turns request-only fields into record fields before a create or update is applied (a form's
   * template id into its name and content, `completed: true` into `completed_at`).
   */
  expand?(input: Body, ctx: WriteContext): { input: Body } | { errors: ValidationErrors };
  /** A new record with every field at its empty value. */
  blank(id: string, ctx: WriteContext): Body;
  /** Recomputes derived fields after a write; may reject the result. */
  finish?(body: Body, ctx: WriteContext): ValidationErrors | undefined;
  /** A realistic record for seeding and churn; `createdAt` places it in the simulated history. */
  generate(id: string, ctx: GenerateContext, createdAt: string): Body | undefined;
  /** The shape of an item in the `/deleted` feed (default: the whole record). */
  deletedView?(body: Body): Body;
}

/**
 * The random stream of one record, for the spec fields added after the seeded generators were
 * fixed: drawing them from the record's id shifts no other generated value (same seed, same data).
 */
export function recordRandom(id: string): Random {
  return keyedRandom(id, 1);
}

/** Money as Cliniko sends it: a decimal string with at least one decimal place (`"55.0"`, `"81.818"`). */
export function formatMoney(amount: number): string {
  const rounded = Math.round(amount * 1000) / 1000;
  return Number.isInteger(rounded) ? `${rounded}.0` : String(rounded);
}

/** A URL of the clinic's web app (telehealth, online payment, cancellation), not of the API. */
export function appUrl(ctx: WriteContext, path: string): string {
  return `https://${ctx.account.id}.cliniko-simulator.invalid/${path}`;
}

export function link(resource: string, id: string, suffix = ''): Json {
  return { links: { self: `${LINK_BASE}/${resource}/${id}${suffix}` } };
}

export function selfLinks(resource: string, id: string): Json {
  return { self: `${LINK_BASE}/${resource}/${id}` };
}

/** The id at the end of a `{links:{self}}` object, or null. */
export function linkedId(value: Json | undefined): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const links = value.links;
  if (links === null || typeof links !== 'object' || Array.isArray(links)) return null;
  const self = links.self;
  if (typeof self !== 'string') return null;
  const last = self.slice(self.lastIndexOf('/') + 1);
  return /^\d+$/.test(last) ? last : null;
}

/** The resource path segment and id a `{links:{self}}` object points at, or null. */
export function linkedRecord(value: Json | undefined): { resource: string; id: string } | null {
  const id = linkedId(value);
  if (id === null || value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const self = (value.links as { self: string }).self;
  const resource = self.slice(0, self.lastIndexOf('/')).split('/').at(-1) ?? '';
  return { resource, id };
}

/** The value the query module filters and sorts on. */
export function fieldValue(model: ResourceModel, body: Body, field: string): FieldValue {
  const linkField = model.foreignKeys[field];
  if (linkField !== undefined) return linkedId(body[linkField]);
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') {
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
  }
  return value;
}

const ID = /^\d{1,19}$/;

function checkValue(
  spec: FieldSpec,
  value: Json,
  ctx: WriteContext,
): { ok: true; value: Json } | { ok: false; error: string } {
  if (spec.kind === 'link') {
    const id = typeof value === 'number' ? String(value) : value;
    if (typeof id !== 'string' || !ID.test(id) || !ctx.account.current(spec.resource, id)) {
      return { ok: false, error: 'must exist' };
    }
    return { ok: true, value: link(spec.path ?? spec.resource, id) };
  }
  if (spec.kind === 'phones') {
    const ok =
      Array.isArray(value) &&
      value.every(
        (p) => p !== null && typeof p === 'object' && !Array.isArray(p) && typeof p.number === 'string',
      );
    if (!ok) return { ok: false, error: 'is invalid' };
    const phones = (value as { [key: string]: Json }[]).map((p) => ({
      phone_type: typeof p.phone_type === 'string' ? p.phone_type : 'Mobile',
      number: String(p.number),
    }));
    return { ok: true, value: phones };
  }
  if (value === null) return spec.nullable ? { ok: true, value } : { ok: false, error: "can't be blank" };
  switch (spec.kind) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : { ok: false, error: 'is invalid' };
    case 'integer':
      return Number.isInteger(value) ? { ok: true, value } : { ok: false, error: 'is not a number' };
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, error: 'is not a number' };
    case 'money': {
      const amount = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      return typeof amount === 'number' && Number.isFinite(amount) && amount >= 0
        ? { ok: true, value: formatMoney(amount) }
        : { ok: false, error: 'is not a number' };
    }
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, error: 'is invalid' };
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? { ok: true, value: `${new Date(Date.parse(value)).toISOString().slice(0, 19)}Z` }
        : { ok: false, error: 'is invalid' };
    case 'date':
      return typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(value) &&
        !Number.isNaN(Date.parse(value))
        ? { ok: true, value }
        : { ok: false, error: 'is invalid' };
    case 'object':
      return typeof value === 'object' && !Array.isArray(value)
        ? { ok: true, value: structuredClone(value) }
        : { ok: false, error: 'must be an object' };
  }
}

const isBlank = (v: Json | undefined): boolean => v === undefined || v === null || v === '';

/**
 * Applies a create or update request body to `base` (never mutated) and returns the new body or the
 * validation errors, keyed like Rails (`patient` for `patient_id`). Unknown fields are ignored, as
 * Rails' strong parameters do.
 */
export function applyInput(
  model: ResourceModel,
  base: Body,
  input: Body,
  ctx: WriteContext,
  creating: boolean,
): { body: Body } | { errors: ValidationErrors } {
  const expanded = model.expand ? model.expand(input, ctx) : { input };
  if ('errors' in expanded) return expanded;
  return applyExpanded(model, base, expanded.input, ctx, creating);
}

function applyExpanded(
  model: ResourceModel,
  base: Body,
  input: Body,
  ctx: WriteContext,
  creating: boolean,
): { body: Body } | { errors: ValidationErrors } {
  const body: Body = { ...base };
  const errors: ValidationErrors = {};
  for (const [key, value] of Object.entries(input)) {
    const spec = model.writable[key];
    if (!spec) continue;
    const errorKey = spec.kind === 'link' ? key.replace(/_id$/, '') : key;
    if (spec.kind === 'link' && (value === null || value === '')) {
      if (model.required.includes(key)) errors[errorKey] = "can't be blank";
      else body[spec.as] = null;
      continue;
    }
    const checked = checkValue(spec, value, ctx);
    if (checked.ok) body[spec.kind === 'link' ? spec.as : key] = checked.value;
    else errors[errorKey] = checked.error;
  }
  for (const key of model.required) {
    const spec = model.writable[key];
    const target = spec?.kind === 'link' ? spec.as : key;
    const supplied = creating ? input[key] : key in input ? input[key] : body[target];
    if (isBlank(supplied) && !errors[key.replace(/_id$/, '')])
      errors[key.replace(/_id$/, '')] = "can't be blank";
  }
  if (Object.keys(errors).length > 0) return { errors };
  const more = model.finish?.(body, ctx);
  if (more && Object.keys(more).length > 0) return { errors: more };
  return { body };
}
