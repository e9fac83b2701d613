import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, referenceCanonicalJson as reference } from '../../../shared/engine/canonical-json.js';

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
