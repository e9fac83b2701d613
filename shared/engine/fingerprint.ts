/**
 * Content fingerprints: how the engine tells a real change from a re-read (invariant 3). Records
 * are compared by the hash of their canonical JSON, never by `updated_at`, which Cliniko bumps on
 * every write and which has one-second precision.
 *
 * Each top-level field is canonicalised once; the fingerprint hashes those parts joined (exactly
 * the canonical JSON of the record without `updated_at`) and the per-field hashes reuse them.
 */
import crypto from 'node:crypto';

/** `updated_at` moves on every write, even a touch without a content change: it is not content. */
const NOT_CONTENT = 'updated_at';

/** Length (hex chars) of a record fingerprint: 128 bits, collisions are not a practical concern. */
const FINGERPRINT_LENGTH = 32;

/**
 * JSON with object keys sorted at every depth, so two equal records serialise identically
 * whatever order Cliniko sent their keys in. Array order is content and is kept. Written directly
 * as a string: no sorted copies of the value are built.
 */
export function canonicalJson(value: unknown): string {
  return writeValue(value) ?? 'null';
}

/** Canonical JSON of one value; `undefined` where JSON leaves the value out (undefined, functions, symbols). */
function writeValue(value: unknown): string | undefined {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      text += writeValue(value[i]) ?? 'null';
    }
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(object).sort()) {
    const inner = writeValue(object[key]);
    if (inner === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${inner}`;
  }
  return `${text}}`;
}

/** One-shot SHA-256 (Node ≥ 20.12), else the streaming API: same digest either way. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** A record's content, canonicalised once: its fingerprint and, on demand, its per-field hashes. */
export interface RecordContent {
  /** Fingerprint of every top-level field except `updated_at` (32 hex chars of SHA-256). */
  readonly fingerprint: string;
  /** Top-level field name → short hash of its canonical value, `updated_at` left out. */
  fieldHashes(): Record<string, string>;
}

/** Canonicalises each top-level field once; the per-field hashes are computed only if asked for. */
export function recordContent(record: Readonly<Record<string, unknown>>): RecordContent {
  // `"name":value` for each field, in sorted name order: the members of the canonical JSON.
  const members: string[] = [];
  const names: string[] = [];
  for (const field of Object.keys(record).sort()) {
    if (field === NOT_CONTENT) continue;
    const value = writeValue(record[field]);
    if (value === undefined) continue;
    members.push(`${JSON.stringify(field)}:${value}`);
    names.push(field);
  }
  // One flat string: hashing it and slicing members out of it beats walking each concatenated part.
  const text = members.join(',');
  const fingerprint = sha256Hex(`{${text}}`).slice(0, FINGERPRINT_LENGTH);
  let hashes: Record<string, string> | undefined;
  return {
    fingerprint,
    fieldHashes() {
      if (hashes === undefined) {
        hashes = {};
        let start = 0;
        for (let i = 0; i < names.length; i++) {
          const end = start + (members[i]?.length ?? 0);
          // The member includes the field name, so a value moved to another field changes both hashes.
          hashes[names[i] ?? ''] = fieldHash(text, start, end);
          start = end + 1;
        }
      }
      return hashes;
    },
  };
}

/** Fingerprint of a record's content: every top-level field except `updated_at`. */
export function contentFingerprint(record: Readonly<Record<string, unknown>>): string {
  return recordContent(record).fingerprint;
}

/**
 * Top-level field name → short hash of its canonical value (`updated_at` left out), so the names
 * of changed fields can be computed later without storing any field value.
 */
export function fieldHashes(record: Readonly<Record<string, unknown>>): Record<string, string> {
  return recordContent(record).fieldHashes();
}

/**
 * cyrb53 (a public-domain 53-bit hash of two multiplicative 32-bit lanes) over the UTF-16 code
 * units of `text` from `start` to `end`, its low 48 bits as 12 hex chars. Not cryptographic, and need not be: the SHA-256
 * fingerprint decides whether anything changed; these only name the changed fields, and a short
 * hash of a low-entropy value never hid it anyway. Plain 32-bit arithmetic keeps it cheap in JS.
 */
function fieldHash(text: string, start: number, end: number): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ unit, 2654435761);
    h2 = Math.imul(h2 ^ unit, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (
    hexByte(h2 >>> 8) +
    hexByte(h2) +
    hexByte(h1 >>> 24) +
    hexByte(h1 >>> 16) +
    hexByte(h1 >>> 8) +
    hexByte(h1)
  );
}

/** Two hex digits for each byte value: formatting is a large part of hashing short fields. */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hexByte(value: number): string {
  return HEX_BYTES[value & 0xff] ?? '00';
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
