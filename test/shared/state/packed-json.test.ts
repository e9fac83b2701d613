import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JSON_DICTIONARY, packJson, unpackJson } from '../../../shared/state/packed-json.js';
import { StateCorruptError } from '../../../shared/state/state-errors.js';

describe('packJson / unpackJson', () => {
  it('keeps the dictionary every deflated attribute needs, byte for byte', () => {
    expect(createHash('sha256').update(JSON_DICTIONARY).digest('hex')).toBe(
      'a09033c172deebd9da3c091c3df04442daabfc66a9dcb2fb112447e82c58f91a',
    );
  });

  it('round-trips any JSON text, deflated or not', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(unpackJson(packJson(text), 'tracked')).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('deflates the tracked fields of an appointment to well under half their text', () => {
    const link = (path: string, id: string) => ({
      links: { self: `https://api.uk2.cliniko.com/v1/${path}/${id}` },
    });
    const text = JSON.stringify({
      starts_at: '2026-12-07T09:30:00Z',
      ends_at: '2026-12-07T10:00:00Z',
      practitioner: link('practitioners', '1296468398371546213'),
      appointment_type: link('appointment_types', '1296468398371546214'),
      business: link('businesses', '1296468398371546215'),
    });

    const packed = packJson(text);

    expect(packed).toBeInstanceOf(Uint8Array);
    expect((packed as Uint8Array).length).toBeLessThan(text.length / 3);
  });

  it('keeps text that deflating would not shrink as text', () => {
    expect(packJson('1')).toBe('1');
  });

  it('reads neither form as absent, and binary that is not deflated JSON as corrupt', () => {
    expect(unpackJson(undefined, 'tracked')).toBeUndefined();
    expect(unpackJson(7, 'tracked')).toBeUndefined();
    expect(() => unpackJson(Buffer.from('not deflated'), 'snapshot')).toThrow(StateCorruptError);
  });
});
