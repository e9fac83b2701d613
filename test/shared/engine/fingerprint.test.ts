import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  changedFields,
  contentFingerprint,
  fieldHashes,
} from '../../../shared/engine/fingerprint.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    const text = canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } });

    expect(text).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('drops undefined members like JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});

describe('contentFingerprint', () => {
  const record = { id: '1', first_name: 'Ada', updated_at: '2026-01-01T00:00:00Z', tags: ['x', 'y'] };

  it('is the same whatever the key order', () => {
    const reordered = { tags: ['x', 'y'], updated_at: '2026-01-01T00:00:00Z', first_name: 'Ada', id: '1' };

    expect(contentFingerprint(reordered)).toBe(contentFingerprint(record));
  });

  it('ignores updated_at, so a touch without a content change is not a change', () => {
    expect(contentFingerprint({ ...record, updated_at: '2026-01-01T00:00:09Z' })).toBe(
      contentFingerprint(record),
    );
  });

  it('changes when any other field changes, at any depth or in array order', () => {
    const base = contentFingerprint(record);

    expect(contentFingerprint({ ...record, first_name: 'Ada ' })).not.toBe(base);
    expect(contentFingerprint({ ...record, tags: ['y', 'x'] })).not.toBe(base);
  });

  it('is 32 hex characters', () => {
    expect(contentFingerprint(record)).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('fieldHashes and changedFields', () => {
  it('gives each top-level field except updated_at a short hash', () => {
    const hashes = fieldHashes({ id: '1', email: 'a@example.test', updated_at: '2026-01-01T00:00:00Z' });

    expect(Object.keys(hashes)).toEqual(['email', 'id']);
    expect(hashes.email).toMatch(/^[0-9a-f]{12}$/);
  });

  it('does not give equal values in different fields the same hash', () => {
    const hashes = fieldHashes({ a: 'same', b: 'same' });

    expect(hashes.a).not.toBe(hashes.b);
  });

  it('lists changed, added and removed fields, sorted', () => {
    const before = fieldHashes({ id: '1', email: 'a', phone: '1', notes: 'x' });
    const after = fieldHashes({ id: '1', email: 'b', notes: 'x', city: 'Hobart' });

    expect(changedFields(before, after)).toEqual(['city', 'email', 'phone']);
  });

  it('never lists updated_at even if an old state hashed it', () => {
    expect(changedFields({ updated_at: 'aaa' }, { updated_at: 'bbb' })).toEqual([]);
  });
});
