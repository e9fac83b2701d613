import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../../shared/events/contract.js';
import { type EventIdInput, eventIdFor } from '../../../shared/events/event-id.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const secondTimestamp = fc
  .integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 })
  .map((seconds) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'));

const observation: fc.Arbitrary<EventIdInput> = fc.record({
  account: fc.string({ minLength: 1 }),
  resource: fc.constantFrom('patients', 'individual_appointments', 'invoices'),
  recordId: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String),
  action: fc.constantFrom(...ACTIONS),
  fingerprint: fc.stringMatching(/^[0-9a-f]{16}$/),
  updatedAt: fc.option(secondTimestamp, { nil: null }),
});

describe('eventIdFor', () => {
  it('is a version 8 UUID', () => {
    fc.assert(
      fc.property(observation, (input) => {
        expect(eventIdFor(input)).toMatch(UUID_V8);
      }),
    );
  });

  it('gives a re-published observation the same id', () => {
    fc.assert(
      fc.property(observation, (input) => {
        // A re-publish after a crash rebuilds the input from scratch: equal values, new objects.
        expect(eventIdFor({ ...input })).toBe(eventIdFor(structuredClone(input)));
      }),
    );
  });

  it('gives two versions sharing one updated_at second different ids when their content differs', () => {
    fc.assert(
      fc.property(observation, fc.stringMatching(/^[0-9a-f]{16}$/), (first, otherFingerprint) => {
        fc.pre(otherFingerprint !== first.fingerprint);
        const second = { ...first, fingerprint: otherFingerprint };

        expect(eventIdFor(second)).not.toBe(eventIdFor(first));
      }),
    );
  });

  it('gives a record reverted to earlier content (A→B→A) a new id', () => {
    fc.assert(
      fc.property(
        observation,
        fc.stringMatching(/^[0-9a-f]{16}$/),
        secondTimestamp,
        secondTimestamp,
        (a, fingerprintB, atB, atRevert) => {
          fc.pre(fingerprintB !== a.fingerprint && a.updatedAt !== null);
          fc.pre(new Set([a.updatedAt, atB, atRevert]).size === 3);
          const versions = [
            eventIdFor(a),
            eventIdFor({ ...a, fingerprint: fingerprintB, updatedAt: atB }),
            eventIdFor({ ...a, updatedAt: atRevert }),
          ];

          expect(new Set(versions).size).toBe(3);
        },
      ),
    );
  });

  it('changes when any one identifying input changes', () => {
    const base: EventIdInput = {
      account: 'main-clinic',
      resource: 'patients',
      recordId: '1390726237298631770',
      action: 'updated',
      fingerprint: 'a1b2c3d4e5f60718',
      updatedAt: '2026-11-29T10:15:00Z',
    };
    const variants: EventIdInput[] = [
      { ...base, account: 'second-clinic' },
      { ...base, resource: 'contacts' },
      { ...base, recordId: '1390726237298631771' },
      { ...base, action: 'archived' },
      { ...base, fingerprint: 'a1b2c3d4e5f60719' },
      { ...base, updatedAt: '2026-11-29T10:15:01Z' },
      { ...base, updatedAt: null },
    ];

    const ids = new Set([base, ...variants].map(eventIdFor));

    expect(ids.size).toBe(variants.length + 1);
  });

  it('is the id earlier releases gave the same observation, so a re-publish across an upgrade is a duplicate', () => {
    const id = eventIdFor({
      account: '1',
      resource: 'patients',
      recordId: '1390726237298631770',
      action: 'updated',
      fingerprint: '0123456789abcdef0123456789abcdef',
      updatedAt: '2026-03-04T05:06:07Z',
    });

    expect(id).toBe('14f40507-8872-8382-a788-de42f991dfb7');
  });

  it('differs per sequence number above 1, so one content reported twice is two events; 1 keeps the old id', () => {
    const observation = {
      account: '1',
      resource: 'patients',
      recordId: '1390726237298631770',
      action: 'archived' as const,
      fingerprint: '0123456789abcdef0123456789abcdef',
      updatedAt: '2026-03-04T05:06:07Z',
    };

    expect(eventIdFor({ ...observation, sequence: 1 })).toBe(eventIdFor(observation));
    expect(eventIdFor({ ...observation, sequence: 2 })).not.toBe(eventIdFor(observation));
    expect(eventIdFor({ ...observation, sequence: 4 })).not.toBe(eventIdFor({ ...observation, sequence: 2 }));
    expect(eventIdFor({ ...observation, sequence: 3 })).toBe(eventIdFor({ ...observation, sequence: 3 }));
  });

  it('cannot be collided by moving text between neighbouring inputs', () => {
    const a = eventIdFor({
      account: 'clinic|x',
      resource: 'patients',
      recordId: '1',
      action: 'updated',
      fingerprint: 'f',
      updatedAt: null,
    });
    const b = eventIdFor({
      account: 'clinic',
      resource: 'x|patients',
      recordId: '1',
      action: 'updated',
      fingerprint: 'f',
      updatedAt: null,
    });

    expect(a).not.toBe(b);
  });
});
