/**
 * The oracle must be able to fail: a bridge that drops, alters or invents events is caught. Each
 * test plants one defect in the delivery path of an otherwise fault-free scenario.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { syntheticEvent } from '../shared/publish/change-event-fixture.js';
import { InMemoryStateStore } from '../support/memory-state-store.js';
import { ChaosPublisher } from './chaos-ports.js';
import { checkDeliveries } from './oracle.js';
import { runScenario, type ScenarioInput } from './run-scenario.js';
import type { Op } from './scenario.js';

const clean: Op = { kind: 'poll', plan: { sim: {}, ports: {}, overlapping: false } };

const workload: ScenarioInput = {
  simSeed: 7,
  ops: [
    { kind: 'create', stream: 'patients', count: 2 },
    { kind: 'update', stream: 'contacts', pick: 1, times: 2 },
    { kind: 'archive', stream: 'patients', pick: 3 },
    { kind: 'cancel', pick: 2 },
    { kind: 'delete', stream: 'patients', pick: 5 },
    { kind: 'advance', seconds: 5 },
    clean,
    { kind: 'unarchive', stream: 'patients', pick: 3 },
    { kind: 'advance', seconds: 5 },
    clean,
  ],
};

/** A publisher that hands every batch to `tamper` before delivering it. */
class TamperingPublisher extends ChaosPublisher {
  private seen = 0;
  constructor(private readonly tamper: (event: ChangeEvent, index: number) => ChangeEvent[]) {
    super();
  }
  override publish(events: readonly ChangeEvent[]): Promise<void> {
    return super.publish(events.flatMap((event) => this.tamper(event, this.seen++)));
  }
}

const run = (publisher: ChaosPublisher) =>
  runScenario(workload, 'oracle-check', new InMemoryStateStore(), publisher);
const action = (event: ChangeEvent) => event.detail.type.split('.')[1];

describe('the chaos oracle', () => {
  it('passes the same scenario when nothing is tampered with', async () => {
    const outcome = await run(new ChaosPublisher());

    expect(outcome.violations).toEqual([]);
  });

  it('reports a lifecycle event that was silently dropped', async () => {
    const outcome = await run(new TamperingPublisher((e) => (action(e) === 'restored' ? [] : [e])));

    expect(outcome.violations.join('\n')).toMatch(/restored/);
  });

  it('reports a deletion that was never published', async () => {
    const outcome = await run(new TamperingPublisher((e) => (action(e) === 'deleted' ? [] : [e])));

    expect(outcome.violations.join('\n')).toMatch(/was deleted but its last event/);
  });

  it('reports an event whose payload is not the record as Cliniko has it', async () => {
    const outcome = await run(
      new TamperingPublisher((e, i) =>
        i === 3 && e.detail.data
          ? [{ ...e, detail: { ...e.detail, data: { ...e.detail.data, notes: 'x' } } }]
          : [e],
      ),
    );

    expect(outcome.violations.join('\n')).toMatch(/current content|delivered twice/);
  });

  it('reports a repeat of unchanged content under a new event id', async () => {
    const outcome = await run(
      new TamperingPublisher((e, i) =>
        i === 0 ? [e, { ...e, id: 'other-id', detail: { ...e.detail, eventId: 'other-id' } }] : [e],
      ),
    );

    expect(outcome.violations.join('\n')).toMatch(/repeats the content/);
  });

  it('reports a record’s later version numbered no higher than an earlier one', async () => {
    const outcome = await run(
      new TamperingPublisher((e) =>
        (e.detail.sequence ?? 0) > 1 ? [{ ...e, detail: { ...e.detail, sequence: 1 } }] : [e],
      ),
    );

    expect(outcome.violations.join('\n')).toMatch(/has sequence 1, not above/);
  });

  it('reports a re-delivery of an event under another sequence number', async () => {
    const outcome = await run(
      new TamperingPublisher((e, i) =>
        i === 0 ? [e, { ...e, detail: { ...e.detail, sequence: e.detail.sequence + 5 } }] : [e],
      ),
    );

    expect(outcome.violations.join('\n')).toMatch(/delivered again with sequence/);
  });

  it('reports an event without the record key in resources', async () => {
    const outcome = await run(new TamperingPublisher((e, i) => (i === 0 ? [{ ...e, resources: [] }] : [e])));

    expect(outcome.violations.join('\n')).toMatch(/record key/);
  });

  describe('repeated deliveries', () => {
    const appointment = (data: Record<string, unknown>): ChangeEvent => {
      const event = syntheticEvent(7, { entity: 'individual_appointment' });
      return { ...event, detail: { ...event.detail, data: { id: event.detail.recordId, ...data } } };
    };
    const repeatOf = (first: ChangeEvent, data: Record<string, unknown>): ChangeEvent => ({
      ...appointment(data),
      time: '2026-11-29T10:05:00Z',
      detail: {
        ...appointment(data).detail,
        observedAt: '2026-11-29T10:05:00.000Z',
        eventId: first.detail.eventId,
      },
    });

    it('tolerate a derived field read anew (it drifts without the record changing)', () => {
      const first = appointment({ notes: 'kept', invoice_status: null, patient_name: 'Synthetic One' });
      const again = repeatOf(first, { notes: 'kept', invoice_status: 10, patient_name: 'Synthetic Two' });

      expect(checkDeliveries([first, again], new Set()).problems).toEqual([]);
    });

    it('report any other field that differs', () => {
      const first = appointment({ notes: 'kept', invoice_status: null });
      const again = repeatOf(first, { notes: 'changed', invoice_status: null });

      expect(checkDeliveries([first, again], new Set()).problems.join('\n')).toMatch(
        /delivered twice with different payloads/,
      );
    });
  });
});
