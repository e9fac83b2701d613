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
  if (typeof value === 'string') return quoteString(value);
  if (value === null) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      text += writeValue(value[i]) ?? 'null';
    }
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  const { sorted, prefixes } = keyOrderOf(object);
  let text = '{';
  for (let i = 0; i < sorted.length; i++) {
    const inner = writeValue(object[sorted[i] ?? '']);
    if (inner === undefined) continue;
    if (text.length > 1) text += ',';
    text += prefixes[i] + inner;
  }
  return `${text}}`;
}

/**
 * What `JSON.stringify` escapes in a string: quote, backslash, control characters and (lone)
 * surrogates. Most values have none of them, and then the quoted value is just the value in quotes.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes.
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

function quoteString(value: string): string {
  return NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** An object's keys in sorted order, and the `"key":` that starts each one's member. */
interface KeyOrder {
  /** The keys in the order the object listed them. */
  readonly keys: readonly string[];
  readonly sorted: readonly string[];
  readonly prefixes: readonly string[];
}

/**
 * Objects of one shape (every record of a stream, every link) list the same keys in the same
 * order, so the sorted order of a few recent key lists is kept per key count and reused when a
 * list matches one of them key for key. Objects with many keys are rare and sorted every time.
 */
const KEY_ORDERS: KeyOrder[][] = [];
const KEY_ORDERS_PER_COUNT = 8;
const MAX_KEPT_KEY_COUNT = 256;

function keyOrderOf(object: object): KeyOrder {
  const keys = Object.keys(object);
  if (keys.length > MAX_KEPT_KEY_COUNT) return newKeyOrder(keys);
  let orders = KEY_ORDERS[keys.length];
  if (orders === undefined) {
    orders = [];
    KEY_ORDERS[keys.length] = orders;
  }
  for (const order of orders) {
    if (sameKeys(order.keys, keys)) return order;
  }
  const order = newKeyOrder(keys);
  // Full: the newest shape takes the last place, so shapes seen early cannot crowd out current ones.
  if (orders.length === KEY_ORDERS_PER_COUNT) orders.pop();
  orders.push(order);
  return order;
}

function newKeyOrder(keys: readonly string[]): KeyOrder {
  const sorted = [...keys].sort();
  return { keys, sorted, prefixes: sorted.map((key) => `${quoteString(key)}:`) };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
  // The canonical JSON of the record without `updated_at`; field i's member `"name":value` ends
  // at ends[i] and starts just after the previous member's comma (or the opening brace).
  let text = '{';
  const names: string[] = [];
  const ends: number[] = [];
  const { sorted, prefixes } = keyOrderOf(record);
  for (let i = 0; i < sorted.length; i++) {
    const field = sorted[i] ?? '';
    if (field === NOT_CONTENT) continue;
    const value = writeValue(record[field]);
    if (value === undefined) continue;
    if (names.length > 0) text += ',';
    text += prefixes[i] + value;
    names.push(field);
    ends.push(text.length);
  }
  text += '}';
  const fingerprint = sha256Hex(text).slice(0, FINGERPRINT_LENGTH);
  let hashes: Record<string, string> | undefined;
  return {
    fingerprint,
    fieldHashes() {
      if (hashes === undefined) {
        hashes = {};
        const units = utf16Units(text);
        let start = 1;
        for (let i = 0; i < names.length; i++) {
          const end = ends[i] ?? start;
          // The member includes the field name, so a value moved to another field changes both hashes.
          hashes[names[i] ?? ''] = fieldHash(units, start, end);
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
 * The UTF-16 code units of `text` (little-endian) in a scratch buffer reused from call to call:
 * read back two units at a time, they hash faster than through `charCodeAt`.
 */
let scratch = scratchOf(64 * 1024);

function scratchOf(bytes: number): { readonly buffer: Buffer; readonly view: DataView } {
  const memory = new ArrayBuffer(bytes);
  return { buffer: Buffer.from(memory), view: new DataView(memory) };
}

function utf16Units(text: string): DataView {
  if (text.length * 2 > scratch.buffer.length) scratch = scratchOf(text.length * 4);
  scratch.buffer.write(text, 0, 'utf16le');
  return scratch.view;
}

/**
 * cyrb53 (a public-domain 53-bit hash of two multiplicative 32-bit lanes), fed two UTF-16 code
 * units per step (the units `start` to `end` of `units`), its low 48 bits as 8 base64url chars. Not
 * cryptographic, and need not be: the SHA-256 fingerprint decides whether anything changed; these
 * only name the changed fields, and a short hash of a low-entropy value never hid it anyway. Plain
 * 32-bit arithmetic keeps it cheap in JS; two units per multiplication halve the work per field.
 */
function fieldHash(units: DataView, start: number, end: number): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  let offset = start * 2;
  const last = end * 2;
  for (; offset + 4 <= last; offset += 4) {
    const pair = units.getInt32(offset, true);
    h1 = Math.imul(h1 ^ pair, 2654435761);
    h2 = Math.imul(h2 ^ pair, 1597334677);
  }
  if (offset < last) {
    const unit = units.getUint16(offset, true);
    h1 = Math.imul(h1 ^ unit, 2654435761);
    h2 = Math.imul(h2 ^ unit, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // The low 48 bits, h2's low 16 then h1's 32, in four 12-bit groups of two base64url digits:
  // 8 characters where hex takes 12, and these hashes are most of a stored record state.
  return (
    base64Pair((h2 >>> 4) & 0xfff) +
    base64Pair(((h2 & 0xf) << 8) | (h1 >>> 24)) +
    base64Pair(h1 >>> 12) +
    base64Pair(h1)
  );
}

/** The low 12 bits of `value` as two base64url digits. */
function base64Pair(value: number): string {
  return BASE64_PAIRS[value & 0xfff] ?? 'AA';
}

const BASE64URL_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Two base64url digits for each 12-bit value: formatting is a large part of hashing short fields. */
const BASE64_PAIRS: readonly string[] = Array.from(
  { length: 4096 },
  (_, value) => BASE64URL_DIGITS.charAt(value >>> 6) + BASE64URL_DIGITS.charAt(value & 0x3f),
);

/** Sorted names of the fields whose hash differs, was added or was removed; never `updated_at`. */
export function changedFields(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  names.delete(NOT_CONTENT);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
