import { describe, expect, it } from 'vitest';
import {
  type ClassifyContext,
  classify,
  classifyFeedDeletion,
  classifyVanished,
} from '../../../shared/engine/classify.js';
import type { ClinikoRecord, RecordState } from '../../../shared/engine/ports.js';
import { findStream, type StreamDefinition } from '../../../shared/streams.js';
import { TEST_KEYS } from '../../support/content-keys.js';

function streamNamed(name: string): StreamDefinition {
  const stream = findStream(name);
  if (stream === undefined) throw new Error(name);
  return stream;
}

const patients = streamNamed('patients');
const appointments = streamNamed('individual_appointments');
const practitioners = streamNamed('practitioners');
const ORIGIN = '2026-03-02T09:00:00Z';

function context(overrides: Partial<ClassifyContext> = {}): ClassifyContext {
  return {
    stream: patients,
    origin: ORIGIN,
    backfill: false,
    storeSnapshots: false,
    keys: TEST_KEYS,
    ...overrides,
  };
}

function patient(fields: Record<string, unknown> = {}): ClinikoRecord {
  return {
    id: '1390726237298631770',
    created_at: '2026-03-02T09:05:00Z',
    updated_at: '2026-03-02T09:05:00Z',
    archived_at: '',
    deleted_at: null,
    first_name: 'Test',
    email: 'test@example.test',
    ...fields,
  };
}

/** The state the engine remembers after publishing `record`. */
function seen(ctx: ClassifyContext, record: ClinikoRecord): RecordState {
  return classify(ctx, record, undefined).state;
}

describe('classify: first sightings', () => {
  it('reports a record created since the origin as created, with no changes (there is no earlier version)', () => {
    const result = classify(context(), patient(), undefined);

    expect(result.event?.action).toBe('created');
    expect(result.event?.changedFields).toBeNull();
    expect(result.staged).toBeDefined();
  });

  it('reports a pre-origin record as a snapshot during a backfill', () => {
    const result = classify(
      context({ backfill: true }),
      patient({ created_at: '2020-01-01T00:00:00Z' }),
      undefined,
    );

    expect(result.event).toEqual({ action: 'snapshot', changedFields: null });
  });

  it('reports a pre-origin record first seen when starting from now as updated with changes null', () => {
    const result = classify(context(), patient({ created_at: '2020-01-01T00:00:00Z' }), undefined);

    expect(result.event).toEqual({ action: 'updated', changedFields: null });
  });

  it('reports a lifecycle change since the origin on a first sighting as that lifecycle action', () => {
    const old = { created_at: '2020-01-01T00:00:00Z' };

    expect(
      classify(context(), patient({ ...old, archived_at: '2026-03-02T09:01:00Z' }), undefined).event?.action,
    ).toBe('archived');
    expect(
      classify(context({ backfill: true }), patient({ ...old, deleted_at: ORIGIN }), undefined).event?.action,
    ).toBe('deleted');
  });

  it('keeps a record archived before the origin a plain snapshot', () => {
    const record = patient({ created_at: '2020-01-01T00:00:00Z', archived_at: '2021-01-01T00:00:00Z' });

    expect(classify(context({ backfill: true }), record, undefined).event?.action).toBe('snapshot');
  });

  it('remembers lifecycle flags, treating empty strings and null alike', () => {
    const state = seen(context(), patient({ archived_at: '', deleted_at: null }));

    expect(state).toMatchObject({
      archived: false,
      cancelled: false,
      deleted: false,
      updatedAt: '2026-03-02T09:05:00Z',
    });
  });
});

describe('classify: later sightings', () => {
  const ctx = context();
  const first = patient();
  const stored = seen(ctx, first);

  it('produces no event and no write for a re-read without a content change', () => {
    const result = classify(ctx, first, stored);

    expect(result).toEqual({ event: undefined, record: first, state: stored, staged: undefined });
  });

  it('produces no event for a touch that only moved updated_at', () => {
    const result = classify(ctx, patient({ updated_at: '2026-03-02T09:06:00Z' }), stored);

    expect(result.event).toBeUndefined();
    expect(result.staged).toBeUndefined();
  });

  it('reports a content change as updated with the changed fields', () => {
    const result = classify(
      ctx,
      patient({ email: 'new@example.test', updated_at: '2026-03-02T09:06:00Z' }),
      stored,
    );

    expect(result.event).toEqual({ action: 'updated', changedFields: ['email'] });
    expect(result.state.updatedAt).toBe('2026-03-02T09:06:00Z');
  });

  it('reports archived, then restored, with changes filled', () => {
    const archivedRecord = patient({ archived_at: '2026-03-02T09:07:00Z', email: 'x@example.test' });
    const archived = classify(ctx, archivedRecord, stored);
    const restored = classify(ctx, patient({ archived_at: null, email: 'x@example.test' }), archived.state);

    expect(archived.event).toEqual({ action: 'archived', changedFields: ['archived_at', 'email'] });
    expect(restored.event).toEqual({ action: 'restored', changedFields: ['archived_at'] });
  });

  it('reports a merged patient as archived', () => {
    const merged = patient({
      archived_at: '2026-03-02T09:07:00Z',
      merged_at: '2026-03-02T09:07:00Z',
      merged_with_patient: { links: { self: 'https://api.au1.cliniko.com/v1/patients/2' } },
    });

    expect(classify(ctx, merged, stored).event?.action).toBe('archived');
  });

  it('lets deleted win over archived when both happen between two polls', () => {
    const record = patient({ archived_at: '2026-03-02T09:07:00Z', deleted_at: '2026-03-02T09:07:00Z' });

    expect(classify(ctx, record, stored).event?.action).toBe('deleted');
  });

  it('reports a cancellation on streams that have cancelled_at', () => {
    const apptCtx = context({ stream: appointments });
    const appt = { ...patient(), cancelled_at: null };
    const before = seen(apptCtx, appt);

    const result = classify(apptCtx, { ...appt, cancelled_at: '2026-03-02T09:08:00Z' }, before);

    expect(result.event).toEqual({ action: 'cancelled', changedFields: ['cancelled_at'] });
  });

  it('reports a record listed again after a delete as restored, or updated where the stream has no archive', () => {
    const gone = { ...stored, deleted: true };
    const practitionerCtx = context({ stream: practitioners });
    const practitioner = patient();
    const practitionerGone = { ...seen(practitionerCtx, practitioner), deleted: true };

    expect(classify(ctx, first, gone).event?.action).toBe('restored');
    expect(classify(practitionerCtx, practitioner, practitionerGone).event?.action).toBe('updated');
  });

  it('offers the previous version when snapshots are kept', () => {
    const snapCtx = context({ storeSnapshots: true });
    const before = seen(snapCtx, first);

    const result = classify(snapCtx, patient({ email: 'new@example.test' }), before);

    expect(before.snapshot).toEqual(first);
    expect(result.event?.previous).toEqual(first);
  });
});

describe('classifyFeedDeletion', () => {
  const ctx = context();
  const item: ClinikoRecord = { id: '1390726237298631770', deleted_at: '2026-03-02T09:10:00Z' };

  it('reports a deletion of a known record and remembers it', () => {
    const result = classifyFeedDeletion(ctx, item, '2026-03-02T09:10:00Z', seen(ctx, patient()));

    expect(result?.event).toEqual({ action: 'deleted', changedFields: ['deleted_at'] });
    expect(result?.state.deleted).toBe(true);
  });

  it('ignores a record already known to be deleted', () => {
    const gone = { ...seen(ctx, patient()), deleted: true };

    expect(classifyFeedDeletion(ctx, item, '2026-03-02T09:10:00Z', gone)).toBeUndefined();
  });

  it('reports an unknown record deleted since the origin, but not one deleted before it', () => {
    expect(
      classifyFeedDeletion(ctx, item, '2026-03-02T09:10:00Z', undefined)?.event.changedFields,
    ).toBeNull();
    expect(classifyFeedDeletion(ctx, item, '2026-03-01T00:00:00Z', undefined)).toBeUndefined();
  });
});

/** The state a run leaves behind when it failed between its two writes: `record`'s event in flight. */
function inFlight(result: { readonly staged: RecordState | undefined }): RecordState {
  if (result.staged === undefined) throw new Error('the observation produced no event');
  return result.staged;
}

describe('classify: the two state writes around publishing', () => {
  const ctx = context();
  const first = patient();
  const stored = seen(ctx, first);
  const archivedRecord = patient({ archived_at: '2026-03-02T09:07:00Z', updated_at: '2026-03-02T09:07:00Z' });

  it('stages the new version as pending on top of the version it was compared with', () => {
    const result = classify(ctx, archivedRecord, stored);

    const { id: _id, ...version } = result.state;
    expect(result.staged).toEqual({ ...stored, pending: version });
    expect(result.state).not.toHaveProperty('pending');
    expect(result.state.archived).toBe(true);
  });

  it('stages a first sighting as pending with no confirmed version behind it', () => {
    const result = classify(ctx, first, undefined);

    expect(result.staged?.pending).toMatchObject({ fingerprint: result.state.fingerprint, first: true });
    expect(result.staged?.fingerprint).toBe(result.state.fingerprint);
  });
});

describe('classify: a version left pending by a failed run', () => {
  const ctx = context();
  const first = patient();
  const stored = seen(ctx, first);
  const archivedRecord = patient({ archived_at: '2026-03-02T09:07:00Z', updated_at: '2026-03-02T09:07:00Z' });
  const archive = classify(ctx, archivedRecord, stored);

  it("repeats the failed run's event exactly when the record is still the pending version", () => {
    const again = classify(ctx, archivedRecord, inFlight(archive));

    expect(again).toEqual(archive);
    expect(again.event).toEqual({ action: 'archived', changedFields: ['archived_at'] });
  });

  it('keeps the pending updated_at when the record was only touched since, so the event id is the same', () => {
    const touched = { ...archivedRecord, updated_at: '2026-03-02T09:30:00Z' };

    const again = classify(ctx, touched, inFlight(archive));

    expect(again.event).toEqual(archive.event);
    expect(again.record.updated_at).toBe('2026-03-02T09:07:00Z');
    expect(again.state).toEqual(archive.state);
    expect(again.staged).toEqual(archive.staged);
  });

  it('repeats a pending first sighting as the same first sighting', () => {
    const created = classify(ctx, first, undefined);

    const again = classify(ctx, first, inFlight(created));

    expect(again.event).toEqual({ action: 'created', changedFields: null });
    expect(again.staged).toEqual(created.staged);
    expect(again.state).toEqual(created.state);
  });

  it('reports a restore to the confirmed content after an archive that may have gone out', () => {
    const restored = patient({ updated_at: '2026-03-02T09:08:00Z' });

    const result = classify(ctx, restored, inFlight(archive));

    expect(result.event).toEqual({ action: 'restored', changedFields: ['archived_at'] });
    expect(result.state.fingerprint).toBe(stored.fingerprint);
    expect(result.staged).toMatchObject({ fingerprint: archive.state.fingerprint, archived: true });
    expect(result.staged?.pending).toMatchObject({ fingerprint: stored.fingerprint, archived: false });
  });

  it('still reports an archive that may never have gone out when the record was edited since', () => {
    const edited = { ...archivedRecord, email: 'new@example.test', updated_at: '2026-03-02T09:08:00Z' };

    const result = classify(ctx, edited, inFlight(archive));

    expect(result.event).toEqual({ action: 'archived', changedFields: ['archived_at', 'email'] });
  });

  it('reports the fields changed relative to either version consumers may hold', () => {
    const edit = classify(ctx, patient({ email: 'new@example.test' }), stored);

    const result = classify(ctx, patient({ first_name: 'Other' }), inFlight(edit));

    expect(result.event).toEqual({ action: 'updated', changedFields: ['email', 'first_name'] });
  });

  it('offers as previous, per changed field, the value of the version in which it differed', () => {
    const snapCtx = context({ storeSnapshots: true });
    const pendingArchive = classify(snapCtx, archivedRecord, seen(snapCtx, first));
    const edited = { ...archivedRecord, email: 'new@example.test', updated_at: '2026-03-02T09:08:00Z' };

    const result = classify(snapCtx, edited, inFlight(pendingArchive));

    expect(result.event?.changedFields).toEqual(['archived_at', 'email']);
    expect(result.event?.previous).toMatchObject({ archived_at: '', email: 'test@example.test' });
  });

  it('repeats an event classified against both versions exactly when its own run failed too', () => {
    const edited = { ...archivedRecord, email: 'new@example.test', updated_at: '2026-03-02T09:08:00Z' };
    const blended = classify(ctx, edited, inFlight(archive));

    const again = classify(ctx, edited, inFlight(blended));

    expect(again).toEqual(blended);
  });

  it('announces a pending first sighting that changed since as a first sighting again, never as an update', () => {
    const created = classify(ctx, first, undefined);

    const result = classify(ctx, patient({ email: 'new@example.test' }), inFlight(created));

    expect(result.event).toEqual({ action: 'created', changedFields: null });
    expect(result.record.email).toBe('new@example.test');
    expect(result.staged?.pending?.first).toBe(true);
  });

  it('announces a pending first sighting archived and restored since as created, not restored', () => {
    const created = classify(ctx, first, undefined);
    const archived = classify(ctx, archivedRecord, inFlight(created));

    const restored = classify(ctx, patient({ archived_at: null }), inFlight(archived));

    expect(archived.event?.action).toBe('archived');
    expect(restored.event).toEqual({ action: 'created', changedFields: null });
  });

  it('announces a pending backfill sighting that changed since as a snapshot again', () => {
    const backfill = context({ backfill: true, origin: '2030-01-01T00:00:00Z' });
    const snapshot = classify(backfill, first, undefined);

    const result = classify(backfill, patient({ email: 'new@example.test' }), inFlight(snapshot));

    expect(snapshot.event?.action).toBe('snapshot');
    expect(result.event).toEqual({ action: 'snapshot', changedFields: null });
  });

  it('offers the pending version as previous when snapshots are kept', () => {
    const snapCtx = context({ storeSnapshots: true });
    const pendingArchive = classify(snapCtx, archivedRecord, seen(snapCtx, first));

    const result = classify(snapCtx, patient({ archived_at: null }), inFlight(pendingArchive));

    expect(result.event?.previous).toEqual(archivedRecord);
  });
});

describe('deletions with a version pending', () => {
  const ctx = context();
  const stored = seen(ctx, patient());
  const item: ClinikoRecord = { id: '1390726237298631770', deleted_at: '2026-03-02T09:10:00Z' };
  const edit = classify(ctx, patient({ email: 'new@example.test' }), stored);

  it('repeats a feed deletion the failed run staged, with the same event and states', () => {
    const deletion = classifyFeedDeletion(ctx, item, '2026-03-02T09:10:00Z', stored);

    const again = classifyFeedDeletion(ctx, item, '2026-03-02T09:10:00Z', deletion?.staged);

    expect(again).toEqual(deletion);
    expect(again?.staged.pending?.deleted).toBe(true);
  });

  it('reports a feed deletion against a pending version that is not deleted', () => {
    const result = classifyFeedDeletion(ctx, item, '2026-03-02T09:10:00Z', inFlight(edit));

    expect(result?.event).toEqual({ action: 'deleted', changedFields: ['deleted_at'] });
    expect(result?.fingerprint).toBe(edit.state.fingerprint);
    expect(result?.state).not.toHaveProperty('pending');
  });

  it('reports a vanished record as of its last version, pending or not', () => {
    expect(classifyVanished(stored)?.basis).toEqual(stored);
    expect(classifyVanished(inFlight(edit))?.fingerprint).toBe(edit.state.fingerprint);
    // A new event: numbered above the pending version's, whose event may have gone out.
    expect(classifyVanished(inFlight(edit))?.state).toEqual({
      ...edit.state,
      deleted: true,
      sequence: (edit.state.sequence ?? 0) + 1,
    });
  });

  it('repeats a vanished deletion the failed run staged, and has nothing to say once it is confirmed', () => {
    const vanished = classifyVanished(stored);

    const again = classifyVanished(vanished?.staged ?? stored);

    expect(again).toEqual(vanished);
    expect(classifyVanished(vanished?.state ?? stored)).toBeUndefined();
  });

  it('says nothing when a record first seen deleted vanishes: it was never announced as existing', () => {
    const deletedOnSight = classify(ctx, patient({ deleted_at: '2026-03-02T09:10:00Z' }), undefined);

    expect(deletedOnSight.event?.action).toBe('deleted');
    expect(classifyVanished(inFlight(deletedOnSight))).toBeUndefined();
  });
});

describe('classify: sequence numbers', () => {
  const ctx = context();
  const first = patient();
  const created = classify(ctx, first, undefined);
  const stored = created.state;
  const edited = patient({ email: 'new@example.test', updated_at: '2026-03-02T09:06:00Z' });

  it('numbers a record’s first event 1 and each later version one above the last', () => {
    const edit = classify(ctx, edited, stored);

    expect(created.state.sequence).toBe(1);
    expect(edit.state.sequence).toBe(2);
    expect(edit.staged?.pending?.sequence).toBe(2);
  });

  it('repeats the number of the pending version when the failed run’s event is published again', () => {
    const edit = classify(ctx, edited, stored);

    const again = classify(ctx, edited, inFlight(edit));

    expect(again.state.sequence).toBe(2);
  });

  it('numbers a new version above a pending one whose event may have gone out', () => {
    const edit = classify(ctx, edited, stored);
    const other = patient({ first_name: 'Other', updated_at: '2026-03-02T09:07:00Z' });

    expect(classify(ctx, other, inFlight(edit)).state.sequence).toBe(3);
    expect(classifyVanished(inFlight(edit))?.state.sequence).toBe(3);
  });

  it('starts from 1 above nothing for a state written before events were numbered', () => {
    const { sequence: _sequence, ...legacy } = stored;

    expect(classify(ctx, edited, legacy).state.sequence).toBe(1);
  });

  it('keeps the number of a state re-keyed without an event', () => {
    const { keyId: _keyId, ...opaque } = { ...stored, sequence: 5 };
    const rekeyed = classify(ctx, first, { ...opaque, keyId: 'retired-key' }).rekeyed;

    expect(rekeyed).toBeDefined();
    expect(rekeyed?.sequence).toBe(5);
  });
});

describe('classify: tracked fields', () => {
  const ctx = context({ stream: appointments });
  const booked = {
    id: '1390726237298631801',
    created_at: '2026-03-02T09:05:00Z',
    updated_at: '2026-03-02T09:05:00Z',
    starts_at: '2026-03-10T09:00:00Z',
    ends_at: '2026-03-10T09:30:00Z',
    notes: 'Synthetic note',
    cancelled_at: null,
    archived_at: null,
    deleted_at: null,
  };
  const stored = seen(ctx, booked);

  it('keeps the tracked values of the published version in the record state, and no other field', () => {
    expect(stored.tracked).toEqual({ starts_at: booked.starts_at, ends_at: booked.ends_at });
  });

  it('hands the previous tracked values to the event of the next change', () => {
    const moved = { ...booked, starts_at: '2026-03-11T09:00:00Z', updated_at: '2026-03-02T09:06:00Z' };

    const result = classify(ctx, moved, stored);

    expect(result.event?.trackedPrevious).toEqual({ starts_at: booked.starts_at, ends_at: booked.ends_at });
    expect(result.state.tracked?.starts_at).toBe('2026-03-11T09:00:00Z');
  });

  it('has no previous values for a state written before fields were tracked', () => {
    const { tracked: _tracked, ...legacy } = stored;
    const moved = { ...booked, starts_at: '2026-03-11T09:00:00Z', updated_at: '2026-03-02T09:06:00Z' };

    const result = classify(ctx, moved, legacy);

    expect(result.event?.changedFields).toEqual(['starts_at']);
    expect(result.event).not.toHaveProperty('trackedPrevious');
  });

  it('blends the previous values of the confirmed and the pending version like their field hashes', () => {
    const moved = { ...booked, starts_at: '2026-03-11T09:00:00Z', updated_at: '2026-03-02T09:06:00Z' };
    const move = classify(ctx, moved, stored);
    // Consumers hold the move or not; the notes changed since. starts_at is as pending: compared with
    // the pending version, whose starts_at it has; ends_at never changed.
    const noted = { ...moved, notes: 'Other synthetic note', updated_at: '2026-03-02T09:07:00Z' };

    const result = classify(ctx, noted, inFlight(move));

    expect(result.event?.changedFields).toEqual(['notes', 'starts_at']);
    expect(result.event?.trackedPrevious).toEqual({ starts_at: booked.starts_at, ends_at: booked.ends_at });
  });
});
