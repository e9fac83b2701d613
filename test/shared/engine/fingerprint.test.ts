import fc from 'fast-check';
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

  it('is JSON.stringify of a copy with sorted keys, for any JSON value', () => {
    // Strings that need escaping, lone surrogates, and many objects sharing a key count but not
    // their keys: the key orders kept per shape must never be applied to the wrong object.
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', '"', '\\', '\n', '\u0001', '\ud800', 'é', '😀'),
    });
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.double({ noNaN: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value')),
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'id', '10', '9', 'x"y', 'é'), tie('value')),
      ),
    })).value;
    fc.assert(
      fc.property(fc.array(json, { minLength: 1, maxLength: 20 }), (values) => {
        for (const value of values) expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 300 },
    );
  });

  it('sorts objects with more keys than it keeps orders for', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const object = Object.fromEntries([...keys].reverse().map((key) => [key, key]));

    expect(canonicalJson(object)).toBe(reference(object));
  });
});

/** The obvious canonical form, slow and plain: keys sorted with `sort()`, everything else `JSON.stringify`. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const object = value as Record<string, unknown>;
  const members = Object.keys(object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${reference(object[key])}`);
  return `{${members.join(',')}}`;
}

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
    expect(hashes.email).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });

  it('hashes a field by its own name and value only, whatever the fields around it', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string()));
    fc.assert(
      fc.property(value, value, value, (a, before, after) => {
        // Field `b` is written after `a`, at a position (and parity) that depends on a's length.
        const one = fieldHashes({ a, b: before, c: after });
        const other = fieldHashes({ a: [a, a], b: before, c: after });

        expect(other.b).toBe(one.b);
        expect(other.c).toBe(one.c);
        expect(other.a).not.toBe(one.a);
      }),
    );
  });

  it('tells values apart that differ in one character, at even and odd lengths', () => {
    for (const base of ['x', 'xy', 'hello world', 'hello worlds']) {
      const hashes = new Set(
        [base, `${base}!`, `!${base}`, base.replace(/.$/, 'Z')].map((v) => fieldHashes({ v }).v),
      );
      expect(hashes.size).toBe(4);
    }
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
