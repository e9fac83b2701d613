import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FIELD_NAMES,
  packFieldHashes,
  unpackFieldHashes,
} from '../../../shared/state/packed-field-hashes.js';
import { StateCorruptError } from '../../../shared/state/state-errors.js';

const spec = JSON.parse(
  readFileSync(new URL('../../simulator/fixtures/spec-2023-lists.json', import.meta.url), 'utf8'),
) as Record<string, { fields: Record<string, string> }>;

const hash = fc.stringMatching(/^[A-Za-z0-9_-]{8}$/);
const roundTrip = (hashes: Record<string, string>) => {
  const { packed, rest } = packFieldHashes(hashes);
  return { ...rest, ...(packed === undefined ? {} : unpackFieldHashes(packed)) };
};

describe('FIELD_NAMES', () => {
  it('keeps the names stored bitmaps refer to, in their order: append only', () => {
    // Stored items name fields by position in this list. Changing the first 217 names, or their
    // order, would read every stored state's hashes under the wrong names.
    const digest = createHash('sha256').update(FIELD_NAMES.slice(0, 217).join('\n')).digest('hex');

    expect(digest).toBe('2c979523612558c540afb472e0af23a088b39f744ea91647948fa86bf316af86');
    expect(new Set(FIELD_NAMES).size).toBe(FIELD_NAMES.length);
  });

  it('names every field of every list endpoint in the 2023 spec', () => {
    const missing = Object.values(spec)
      .flatMap((endpoint) => Object.keys(endpoint.fields))
      .filter((name) => !FIELD_NAMES.includes(name));

    expect(missing).toEqual([]);
  });
});

describe('packFieldHashes / unpackFieldHashes', () => {
  it('round-trips any hashes: table names packed, other names and other hash forms kept aside', () => {
    const tableName = fc.constantFrom(...FIELD_NAMES);
    const otherName = fc.string({ minLength: 1, maxLength: 12 });
    const otherHash = fc.oneof(fc.string({ maxLength: 12 }), hash);
    fc.assert(
      fc.property(
        fc.dictionary(tableName, hash),
        fc.dictionary(otherName, otherHash),
        fc.dictionary(tableName, fc.string({ maxLength: 12 })),
        (packable, other, oddHashes) => {
          const hashes = { ...other, ...packable, ...oddHashes };

          expect(roundTrip(hashes)).toEqual(hashes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes 6 bytes per field, a bit per name up to the last one used, and 2 for the length', () => {
    const patient = Object.fromEntries(
      Object.keys(spec.patients?.fields ?? {}).map((name) => [name, 'AbCd-_09']),
    );
    const last = Math.max(...Object.keys(patient).map((name) => FIELD_NAMES.indexOf(name)));

    const { packed, rest } = packFieldHashes(patient);

    expect(rest).toEqual({});
    expect(packed?.length).toBe(2 + Math.floor(last / 8) + 1 + 6 * Object.keys(patient).length);
  });

  it('packs nothing when no name is in the table', () => {
    expect(packFieldHashes({ not_a_cliniko_field: 'AbCd-_09' })).toEqual({
      packed: undefined,
      rest: { not_a_cliniko_field: 'AbCd-_09' },
    });
  });

  it('rejects a packed value that does not fit the table or its own length', () => {
    const good = packFieldHashes({ active: 'AbCd-_09', id: 'ZZZZZZZZ' }).packed ?? new Uint8Array();
    const beyondTable = Buffer.alloc(2 + 40 + 6);
    beyondTable.writeUInt16BE(40, 0);
    beyondTable[2 + 39] = 1; // name 319: not in the table (yet)

    for (const bad of [
      new Uint8Array(),
      good.subarray(0, good.length - 1),
      Buffer.concat([good, Buffer.from([0])]),
      beyondTable,
    ]) {
      expect(() => unpackFieldHashes(bad)).toThrow(StateCorruptError);
    }
    expect(unpackFieldHashes(good)).toEqual({ active: 'AbCd-_09', id: 'ZZZZZZZZ' });
  });
});
