/**
 * Content fingerprints: how the engine tells a real change from a re-read (invariant 3). Records
 * are compared by the hash of their canonical JSON, never by `updated_at`, which Cliniko bumps on
 * every write and which has one-second precision.
 */
import { createHash } from 'node:crypto';

/** `updated_at` moves on every write, even a touch without a content change: it is not content. */
const NOT_CONTENT = 'updated_at';

/** Length (hex chars) of a record fingerprint: 128 bits, collisions are not a practical concern. */
const FINGERPRINT_LENGTH = 32;
/** Length (hex chars) of a per-field hash: enough to notice a change, short enough to store per record. */
const FIELD_HASH_LENGTH = 12;

/**
 * JSON with object keys sorted at every depth, so two equal records serialise identically
 * whatever order Cliniko sent their keys in. Array order is content and is kept.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value)) ?? 'null';
}

function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonicalValue(item)));
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== undefined) sorted[key] = canonicalValue(inner);
  }
  return sorted;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Fingerprint of a record's content: every top-level field except `updated_at`. */
export function contentFingerprint(record: Readonly<Record<string, unknown>>): string {
  const { [NOT_CONTENT]: _ignored, ...content } = record;
  return sha256Hex(canonicalJson(content)).slice(0, FINGERPRINT_LENGTH);
}

/**
 * Top-level field name → short hash of its canonical value (`updated_at` left out), so the names
 * of changed fields can be computed later without storing any field value.
 */
export function fieldHashes(record: Readonly<Record<string, unknown>>): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const field of Object.keys(record).sort()) {
    const value = record[field];
    if (field === NOT_CONTENT || value === undefined) continue;
    // The field name is hashed too, so equal values in different fields do not share a hash.
    hashes[field] = sha256Hex(canonicalJson([field, value])).slice(0, FIELD_HASH_LENGTH);
  }
  return hashes;
}

/** Sorted names of the fields whose hash differs, was added or was removed; never `updated_at`. */
export function changedFields(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  names.delete(NOT_CONTENT);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
