import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64Of48Bits,
  canonicalJson,
  digestRanges,
  referenceCanonicalJson as reference,
  referenceDigest,
} from '../../../shared/engine/canonical-content.js';

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

describe('field digests', () => {
  /** A text and `count` ranges inside it, as `recordContent` hands them over. */
  const textWithRanges = fc
    .tuple(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
      ),
      fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }),
    )
    .map(([text, pairs]) => {
      const ranges = pairs.flatMap(([a, b]) => {
        const x = text.length === 0 ? 0 : a % (text.length + 1);
        const y = text.length === 0 ? 0 : b % (text.length + 1);
        return [Math.min(x, y), Math.max(x, y)];
      });
      return { text, ranges, count: pairs.length };
    });

  it('are the plain digest of each range, for any text and ranges (odd lengths, surrogates, empty)', () => {
    fc.assert(
      fc.property(textWithRanges, ({ text, ranges, count }) => {
        const fast = Buffer.from(digestRanges(text, ranges, count));
        const plain = Buffer.concat(
          Array.from({ length: count }, (_, i) =>
            referenceDigest(text, ranges[2 * i] ?? 0, ranges[2 * i + 1] ?? 0),
          ),
        );
        expect(fast.equals(plain)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('differ for ranges that differ in one unit or in length', () => {
    const text = 'abcdefgh';
    const digest = (start: number, end: number) =>
      Buffer.from(digestRanges(text, [start, end], 1)).toString('hex');
    expect(new Set([digest(0, 4), digest(1, 5), digest(0, 5), digest(0, 0)]).size).toBe(4);
  });

  it('format 48 bits as the base64url of the first six bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 16 }), (bytes) => {
        const buffer = Buffer.from(bytes);
        expect(base64Of48Bits(buffer, 0)).toBe(buffer.subarray(0, 6).toString('base64url'));
      }),
    );
  });
});
