import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContentKey } from '../../../shared/engine/content-key.js';
import { changedFields, recordContent } from '../../../shared/engine/fingerprint.js';
import { TEST_KEYS } from '../../support/content-keys.js';

const KEY = TEST_KEYS.current;
const fingerprintOf = (record: Record<string, unknown>, key = KEY) => recordContent(record, key).fingerprint;
const hashesOf = (record: Record<string, unknown>, key = KEY) => recordContent(record, key).fieldHashes();

describe('record fingerprints', () => {
  const record = { id: '1', first_name: 'Ada', updated_at: '2026-01-01T00:00:00Z', tags: ['x', 'y'] };

  it('are the same whatever the key order', () => {
    const reordered = { tags: ['x', 'y'], updated_at: '2026-01-01T00:00:00Z', first_name: 'Ada', id: '1' };

    expect(fingerprintOf(reordered)).toBe(fingerprintOf(record));
  });

  it('ignore updated_at, so a touch without a content change is not a change', () => {
    expect(fingerprintOf({ ...record, updated_at: '2026-01-01T00:00:09Z' })).toBe(fingerprintOf(record));
  });

  it('ignore the fields a stream declares derived, and only those', () => {
    const derived = new Set(['updated_at', 'patient_name']);
    const base = recordContent({ ...record, patient_name: 'Ada L' }, KEY, derived);
    const drifted = recordContent({ ...record, patient_name: 'Ada K' }, KEY, derived);

    expect(drifted.fingerprint).toBe(base.fingerprint);
    expect(Object.keys(drifted.fieldHashes())).not.toContain('patient_name');
    expect(recordContent({ ...record, first_name: 'Ado' }, KEY, derived).fingerprint).not.toBe(
      base.fingerprint,
    );
  });

  it('change when any other field changes, at any depth or in array order', () => {
    const base = fingerprintOf(record);

    expect(fingerprintOf({ ...record, first_name: 'Ada ' })).not.toBe(base);
    expect(fingerprintOf({ ...record, tags: ['y', 'x'] })).not.toBe(base);
  });

  it('are 32 hex characters and name the key they were made with', () => {
    const content = recordContent(record, KEY);

    expect(content.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(content.keyId).toBe(KEY.id);
  });
});

describe('field hashes and changedFields', () => {
  it('give each top-level field except updated_at a short hash', () => {
    const hashes = hashesOf({ id: '1', email: 'a@example.test', updated_at: '2026-01-01T00:00:00Z' });

    expect(Object.keys(hashes)).toEqual(['email', 'id']);
    expect(hashes.email).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });

  it('hash a field by its own name and value only, whatever the fields around it', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string()));
    fc.assert(
      fc.property(value, value, value, (a, before, after) => {
        // Field `b` is written after `a`, at a position (and parity) that depends on a's length.
        const one = hashesOf({ a, b: before, c: after });
        const other = hashesOf({ a: [a, a], b: before, c: after });

        expect(other.b).toBe(one.b);
        expect(other.c).toBe(one.c);
        expect(other.a).not.toBe(one.a);
      }),
    );
  });

  it('tell values apart that differ in one character, at even and odd lengths, also far up the code range', () => {
    for (const base of ['x', 'xy', 'hello world', 'hello worlds', '\u8000\u8001', '\u0001\u8001']) {
      const variants = [base, `${base}!`, `!${base}`, base.replace(/.$/, 'Z'), base.replace(/^./, '\u0000')];
      expect(new Set(variants.map((v) => hashesOf({ v }).v)).size).toBe(5);
    }
    // Two units that differ in their top bit at two places must not cancel each other out.
    expect(hashesOf({ v: '\u8000a\u8000a' }).v).not.toBe(hashesOf({ v: '\u0000a\u0000a' }).v);
  });

  it('do not give equal values in different fields the same hash', () => {
    const hashes = hashesOf({ a: 'same', b: 'same' });

    expect(hashes.a).not.toBe(hashes.b);
  });

  it('list changed, added and removed fields, sorted', () => {
    const before = hashesOf({ id: '1', email: 'a', phone: '1', notes: 'x' });
    const after = hashesOf({ id: '1', email: 'b', notes: 'x', city: 'Hobart' });

    expect(changedFields(before, after)).toEqual(['city', 'email', 'phone']);
  });

  it('never list updated_at even if an old state hashed it', () => {
    expect(changedFields({ updated_at: 'aaa' }, { updated_at: 'bbb' })).toEqual([]);
  });
});

describe('keyed hashing (no stored hash gives a value away without the key)', () => {
  const otherKey = new ContentKey('other', 'another deployment, another content key: abcdefghijklmnop');

  it('gives a different fingerprint and a different hash for every field under another key', () => {
    const record = { id: '7', date_of_birth: '1980-05-17', sex: 'Female', first_name: 'Ada' };
    const mine = recordContent(record, KEY);
    const theirs = recordContent(record, otherKey);

    expect(theirs.fingerprint).not.toBe(mine.fingerprint);
    for (const [field, hash] of Object.entries(mine.fieldHashes())) {
      expect(theirs.fieldHashes()[field]).not.toBe(hash);
    }
  });

  it('does not let a stored date of birth be found by enumerating every date, unless the key is known', () => {
    const stored = hashesOf({ date_of_birth: '1980-05-17' }).date_of_birth;
    const dates: string[] = [];
    for (let day = Date.UTC(1940, 0, 1); day < Date.UTC(2021, 0, 1); day += 86_400_000) {
      dates.push(new Date(day).toISOString().slice(0, 10));
    }
    const unkeyed = (date: string) =>
      crypto.createHash('sha256').update(`"date_of_birth":"${date}"`).digest('base64url').slice(0, 8);

    const withKey = dates.filter((date) => hashesOf({ date_of_birth: date }).date_of_birth === stored);
    const withOtherKey = dates.filter(
      (date) => hashesOf({ date_of_birth: date }, otherKey).date_of_birth === stored,
    );
    const withoutKey = dates.filter((date) => unkeyed(date) === stored);

    expect(dates.length).toBeGreaterThan(29_000);
    expect(withKey).toEqual(['1980-05-17']);
    expect(withOtherKey).toEqual([]);
    expect(withoutKey).toEqual([]);
  });
});
