/**
 * Content fingerprints: how the engine tells a real change from a re-read (docs/design.md, Engine
 * invariants, 3). Records are compared by a keyed hash of their canonical JSON
 * (`canonical-content.ts`), never by `updated_at`, which Cliniko bumps on every write and which has
 * one-second precision.
 *
 * Each top-level field is canonicalised once; the fingerprint hashes those parts joined (exactly
 * the canonical JSON of the record without the fields that are not content) and the per-field
 * hashes reuse them. Both are keyed with the deployment's content key (`content-key.ts`).
 */
import { keyOrderOf, writeValue } from './canonical-content.js';
import type { ContentKey } from './content-key.js';

/** `updated_at` moves on every write, even a touch without a content change: it is never content. */
export const UPDATED_AT = 'updated_at';

const ONLY_UPDATED_AT: ReadonlySet<string> = new Set([UPDATED_AT]);

/** A record's content, canonicalised once: its fingerprint and, on demand, its per-field hashes. */
export interface RecordContent {
  /** Keyed fingerprint of every top-level field that is content (32 hex chars). */
  readonly fingerprint: string;
  /** The id of the key both were computed with. */
  readonly keyId: string;
  /** Top-level field name → keyed short hash of its canonical member, non-content fields left out. */
  fieldHashes(): Record<string, string>;
}

/**
 * Canonicalises each top-level field once; the per-field hashes are computed only if asked for.
 * `notContent` names the fields left out of both (always `updated_at`; also a stream's derived
 * fields, which Cliniko changes without touching the record).
 */
export function recordContent(
  record: Readonly<Record<string, unknown>>,
  key: ContentKey,
  notContent: ReadonlySet<string> = ONLY_UPDATED_AT,
): RecordContent {
  // The canonical JSON of the record without the non-content fields; field i's member
  // `"name":value` is the UTF-16 units from ranges[2i] up to (not including) ranges[2i + 1].
  let text = '{';
  const names: string[] = [];
  const ranges: number[] = [];
  const { sorted, prefixes } = keyOrderOf(record);
  for (let i = 0; i < sorted.length; i++) {
    const field = sorted[i] ?? '';
    if (field === UPDATED_AT || notContent.has(field)) continue;
    const value = writeValue(record[field]);
    if (value === undefined) continue;
    if (names.length > 0) text += ',';
    ranges.push(text.length);
    text += prefixes[i] + value;
    ranges.push(text.length);
    names.push(field);
  }
  text += '}';
  const fingerprint = key.fingerprint(text);
  let hashes: Record<string, string> | undefined;
  return {
    fingerprint,
    keyId: key.id,
    fieldHashes() {
      if (hashes === undefined) {
        hashes = {};
        // The member includes the field name, so a value moved to another field changes both hashes.
        const values = key.rangeHashes(text, ranges, names.length);
        for (let i = 0; i < names.length; i++) hashes[names[i] ?? ''] = values[i] ?? '';
      }
      return hashes;
    },
  };
}

/** Sorted names of the fields whose hash differs, was added or was removed; never `updated_at`. */
export function changedFields(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  names.delete(UPDATED_AT);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
