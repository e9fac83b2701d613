/**
 * Runs that fail between publishing a page's events and confirming them: the version each event
 * carries was remembered as `pending` before publishing, so the next run neither loses a change
 * back (restore after a delivered archive) nor re-announces a version under a new id.
 */
import { describe, expect, it } from 'vitest';
import type { EventPublisher } from '../../../shared/engine/ports.js';
import { PublishError } from '../../../shared/errors.js';
import { DEFAULT_EVENT_OPTIONS } from '../../../shared/events/build.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import { failBefore, publishFails, publishFailsLast } from '../../support/fault-plan.js';
import { ACCOUNT, Harness, streams } from './sync-harness.js';

/** Dies at its first PutEvents without delivering anything, keeping what it was asked to send. */
class DyingPublisher implements EventPublisher {
  readonly attempted: ChangeEvent[] = [];
  async publish(events: readonly ChangeEvent[]): Promise<void> {
    this.attempted.push(...events);
    throw new PublishError('the process died during PutEvents (injected)');
  }
}

/** Delivers everything to `target`, then dies before returning (PutEvents succeeded, the process did not). */
class DeliverThenDiePublisher implements EventPublisher {
  constructor(private readonly target: EventPublisher) {}
  async publish(events: readonly ChangeEvent[]): Promise<void> {
    await this.target.publish(events);
    throw new PublishError('the process died right after PutEvents (injected)');
  }
}

const withoutObservedAt = (event: ChangeEvent | undefined) => {
  if (event === undefined) return undefined;
  // `time` is observedAt to the second: the moment of this delivery, not part of what it says.
  const { observedAt: _observedAt, ...detail } = event.detail;
  return { ...event, time: '', detail };
};

describe('a run that published but failed to confirm its record states', () => {
  it('reports the restore of a patient whose archive went out before the state write failed', async () => {
    const h = new Harness();
    const id = h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.archive('patients', id);
    h.stateFaults.next('putRecordStates', failBefore(new Error('throttled')), { after: 1 });
    await expect(h.poll()).rejects.toThrow('throttled');
    h.cliniko.advance(5);
    h.cliniko.unarchive('patients', id);

    await h.poll();

    expect(h.actions(id)).toEqual(['created', 'archived', 'restored']);
  });

  it('reports the restore of a patient whose archive went out just before the process died', async () => {
    const h = new Harness();
    const id = h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.archive('patients', id);
    await expect(h.poll({}, { publisher: new DeliverThenDiePublisher(h.publisher) })).rejects.toThrow(
      PublishError,
    );
    h.cliniko.advance(5);
    h.cliniko.unarchive('patients', id);

    await h.poll();

    expect(h.actions(id)).toEqual(['created', 'archived', 'restored']);
  });

  it('reports the restore when a partial PutEvents failure delivered the archive', async () => {
    const h = new Harness();
    const archived = h.cliniko.create('patients');
    const edited = h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.archive('patients', archived);
    h.cliniko.advance(1);
    h.cliniko.update('patients', edited, { email: 'new@example.test' });
    h.publisherFaults.next('publish', publishFailsLast(1));
    await expect(h.poll()).rejects.toThrow(PublishError);
    h.cliniko.advance(5);
    h.cliniko.unarchive('patients', archived);

    await h.poll();

    expect(h.actions(archived)).toEqual(['created', 'archived', 'restored']);
    expect(h.actions(edited)).toEqual(['created', 'updated']);
  });

  it('re-publishes the same event, not a new one, when the record was only touched since', async () => {
    const h = new Harness();
    const id = h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.update('patients', id, { email: 'new@example.test' });
    h.stateFaults.next('putRecordStates', failBefore(new Error('throttled')), { after: 1 });
    await expect(h.poll()).rejects.toThrow('throttled');
    h.cliniko.advance(5);
    h.cliniko.touch('patients', id);

    await h.poll();
    await h.poll();

    const updates = h.events({ recordId: id, action: 'updated' });
    expect(updates).toHaveLength(2);
    expect(withoutObservedAt(updates[1])).toEqual(withoutObservedAt(updates[0]));
  });

  it('reports the hard delete of a record whose first event went out unconfirmed, on a stream only reconciliation covers', async () => {
    const h = new Harness({ streams: streams('contacts'), reconcileIntervalSeconds: 60 });
    h.cliniko.create('contacts');
    await h.poll();
    h.cliniko.advance(5);
    const doomed = h.cliniko.create('contacts');
    h.stateFaults.next('putRecordStates', failBefore(new Error('throttled')), { after: 1 });
    await expect(h.poll()).rejects.toThrow('throttled');
    h.cliniko.advance(5);
    h.cliniko.hardDelete('contacts', doomed);
    h.cliniko.advance(120);

    await h.poll();

    expect(h.actions(doomed)).toEqual(['created', 'deleted']);
  });
});

describe('a record whose first event never got out', () => {
  it('is announced as created, with all its content, when it was edited before the next good poll', async () => {
    const h = new Harness({
      event: { ...DEFAULT_EVENT_OPTIONS, payload: 'changes' },
    });
    await h.poll();
    h.cliniko.advance(5);
    const id = h.cliniko.create('patients', { first_name: 'Quinn', date_of_birth: '1990-02-03' });
    h.publisherFaults.next('publish', publishFails);
    await expect(h.poll()).rejects.toThrow(PublishError);
    h.cliniko.advance(5);
    h.cliniko.update('patients', id, { email: 'quinn@example.test' });

    await h.poll();

    expect(h.actions(id)).toEqual(['created']);
    const data = h.events({ recordId: id })[0]?.detail.data;
    expect(data).toMatchObject({
      first_name: 'Quinn',
      date_of_birth: '1990-02-03',
      email: 'quinn@example.test',
    });
  });

  it('is announced as created, not restored, when the sink was down for five polls while it was created, archived and restored', async () => {
    const h = new Harness();
    await h.poll();
    h.cliniko.advance(5);
    const id = h.cliniko.create('patients');
    const changes = [
      () => h.cliniko.update('patients', id, { email: 'a@example.test' }),
      () => h.cliniko.archive('patients', id),
      () => undefined,
      () => h.cliniko.unarchive('patients', id),
      () => undefined,
    ];
    for (const change of changes) {
      h.publisherFaults.next('publish', publishFails);
      await expect(h.poll()).rejects.toThrow(PublishError);
      h.cliniko.advance(5);
      change();
    }

    await h.poll();
    await h.poll();

    expect(h.actions(id)).toEqual(['created']);
    // Each of the five polls tried to publish and met the outage.
    expect(h.publisherFaults.strikes).toBe(5);
    expect(h.publisher.calls).toBeGreaterThan(0);
  });
});

describe('a run that remembered the pending version but died before publishing', () => {
  it('publishes the same event, with the same id, in the next run even after a touch', async () => {
    const h = new Harness();
    const id = h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.archive('patients', id);
    const dying = new DyingPublisher();
    await expect(h.poll({}, { publisher: dying })).rejects.toThrow(PublishError);
    const staged = (await h.state.getRecordStates(ACCOUNT, 'patients', [id])).get(id);
    h.cliniko.advance(5);
    h.cliniko.touch('patients', id);

    await h.poll();

    expect(staged?.pending?.archived).toBe(true);
    expect(staged?.archived).toBe(false);
    const archives = h.events({ recordId: id, action: 'archived' });
    expect(archives).toHaveLength(1);
    expect(withoutObservedAt(archives[0])).toEqual(withoutObservedAt(dying.attempted[0]));
    expect((await h.state.getRecordStates(ACCOUNT, 'patients', [id])).get(id)).not.toHaveProperty('pending');
  });
});

describe('record writes', () => {
  it('writes each record with an event twice, pending then confirmed, and the others not at all', async () => {
    const h = new Harness();
    const ids = [h.cliniko.create('patients'), h.cliniko.create('patients'), h.cliniko.create('patients')];
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.update('patients', ids[0] ?? '', { email: 'new@example.test' });
    h.cliniko.touch('patients', ids[1] ?? '');
    const before = h.state.writes.records;

    await h.poll();

    expect(h.state.writes.records - before).toBe(2);
    const stored = await h.state.getRecordStates(ACCOUNT, 'patients', ids);
    expect([...stored.values()].some((state) => state.pending !== undefined)).toBe(false);
  });
});
