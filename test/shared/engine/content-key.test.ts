import { describe, expect, it } from 'vitest';
import { classify } from '../../../shared/engine/classify.js';
import {
  ContentKey,
  ContentKeyRing,
  generateContentKeySecret,
  parseContentKeySecret,
} from '../../../shared/engine/content-key.js';
import type { ClinikoRecord, RecordState } from '../../../shared/engine/ports.js';
import { ConfigError } from '../../../shared/errors.js';
import { findStream } from '../../../shared/streams.js';
import { Harness } from './sync-harness.js';

const MATERIAL_1 = 'first content key material, long enough: 0123456789';
const MATERIAL_2 = 'second content key material, long enough: 9876543210';
const k1 = new ContentKey('k1', MATERIAL_1);
const k2 = new ContentKey('k2', MATERIAL_2);

describe('the content key secret', () => {
  it('reads a plain string as key k1', () => {
    expect(parseContentKeySecret(MATERIAL_1).current.id).toBe('k1');
  });

  it('reads a ring: the current key for writing, every key for reading', () => {
    const ring = parseContentKeySecret(JSON.stringify({ current: 'k2', k1: MATERIAL_1, k2: MATERIAL_2 }));

    expect(ring.current.id).toBe('k2');
    expect(ring.find('k1')?.id).toBe('k1');
    expect(ring.find('k0')).toBeUndefined();
    expect(ring.find(undefined)).toBeUndefined();
  });

  it('generates a secret it can read, different every time', () => {
    const one = generateContentKeySecret();

    expect(parseContentKeySecret(one).current.id).toBe('k1');
    expect(generateContentKeySecret()).not.toBe(one);
  });

  it.each([
    ['invalid JSON', '{"current":'],
    ['no current key', JSON.stringify({ k1: MATERIAL_1 })],
    ['a current key that is missing', JSON.stringify({ current: 'k9', k1: MATERIAL_1 })],
    ['a short key', JSON.stringify({ current: 'k1', k1: 'short-and-secret' })],
    ['a key that is not a string', JSON.stringify({ current: 'k1', k1: MATERIAL_1, k2: 42 })],
  ])('refuses %s with a ConfigError that never quotes key material', (_case, text) => {
    let error: unknown;
    try {
      parseContentKeySecret(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).not.toContain('short-and-secret');
    expect(String((error as Error).message)).not.toContain(MATERIAL_1);
  });
});

describe('classification across a key rotation', () => {
  const stream = findStream('patients');
  if (stream === undefined) throw new Error('patients');
  const context = (keys: ContentKeyRing) => ({
    stream,
    origin: '2026-03-02T09:00:00Z',
    backfill: false,
    storeSnapshots: false,
    keys,
  });
  const patient = (fields: Record<string, unknown> = {}): ClinikoRecord => ({
    id: '1390726237298631770',
    created_at: '2026-03-02T09:05:00Z',
    updated_at: '2026-03-02T09:05:00Z',
    first_name: 'Avery',
    email: 'avery@example.test',
    archived_at: null,
    ...fields,
  });
  const storedWith = (key: ContentKey, record = patient()): RecordState =>
    classify(context(new ContentKeyRing(key)), record, undefined).state;

  it('finds nothing changed on a re-read after the key rotated, and re-keys the state', () => {
    const result = classify(context(new ContentKeyRing(k2, [k1])), patient(), storedWith(k1));

    expect(result.event).toBeUndefined();
    expect(result.rekeyed?.keyId).toBe('k2');
  });

  it('names exactly the changed fields when the old key is still in the ring', () => {
    const result = classify(
      context(new ContentKeyRing(k2, [k1])),
      patient({ email: 'new@example.test', updated_at: '2026-03-02T09:06:00Z' }),
      storedWith(k1),
    );

    expect(result.event).toEqual({ action: 'updated', changedFields: ['email'] });
    expect(result.state.keyId).toBe('k2');
  });

  it('treats a state whose key was retired as an unknown previous version: no event for a re-read, no field names for a change', () => {
    const retired = context(new ContentKeyRing(k2));
    const stored = storedWith(k1);

    const reread = classify(retired, patient(), stored);
    const changed = classify(
      retired,
      patient({ email: 'x@example.test', updated_at: '2026-03-02T09:06:00Z' }),
      stored,
    );
    const archived = classify(
      retired,
      patient({ archived_at: '2026-03-02T09:06:00Z', updated_at: '2026-03-02T09:06:00Z' }),
      stored,
    );

    expect(reread.event).toBeUndefined();
    expect(reread.rekeyed?.keyId).toBe('k2');
    expect(changed.event).toEqual({ action: 'updated', changedFields: null });
    expect(archived.event).toEqual({ action: 'archived', changedFields: null });
  });

  it('reports an unchanged record as updated in every field when other material comes back under the same key id (why a lost key gets a new id)', () => {
    const regenerated = new ContentKey('k1', MATERIAL_2);

    const reread = classify(context(new ContentKeyRing(regenerated)), patient(), storedWith(k1));

    expect(reread.event).toEqual({
      action: 'updated',
      changedFields: ['archived_at', 'created_at', 'email', 'first_name', 'id'],
    });
  });
});

describe('a deployment rotating its content key', () => {
  const ring1 = new ContentKeyRing(k1);
  const rotated = new ContentKeyRing(k2, [k1]);
  const retired = new ContentKeyRing(k2);

  it('reports no change storm, converges to the new key, and keeps reporting real changes exactly', async () => {
    const h = new Harness();
    const ids = Array.from({ length: 30 }, () => h.cliniko.create('patients'));
    await h.poll({}, { keys: ring1 });
    const before = h.publisher.events.length;
    h.cliniko.advance(5);

    await h.poll({}, { keys: rotated });
    const rekeyed = await h.state.getRecordStates('test-clinic', 'patients', ids);
    h.cliniko.advance(5);
    h.cliniko.update('patients', ids[0] ?? '', { email: 'after-rotation@example.test' });
    await h.poll({}, { keys: retired });

    expect(before).toBe(30);
    expect([...rekeyed.values()].every((state) => state.keyId === 'k2')).toBe(true);
    const after = h.publisher.events.slice(before);
    expect(after.map((e) => [e.detail.recordId, e.detail.type, e.detail.changes?.fields])).toEqual([
      [ids[0], 'patient.updated', ['email']],
    ]);
  });
});
