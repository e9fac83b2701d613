import { describe, expect, it } from 'vitest';
import type { EventPublisher } from '../../../shared/engine/ports.js';
import { ConfigError } from '../../../shared/errors.js';
import { buildEvent, DEFAULT_EVENT_OPTIONS } from '../../../shared/events/build.js';
import { DataClassGate } from '../../../shared/publish/data-class-gate.js';
import { FaultPlan, publishFails, withFaults } from '../../support/fault-plan.js';
import { RecordingPublisher } from '../../support/recording-publisher.js';
import { PATIENT, patientInput } from '../events/fixtures.js';

const event = buildEvent(
  patientInput({ record: { ...PATIENT, notes: 'Synthetic clinical note' } }),
  DEFAULT_EVENT_OPTIONS,
);

describe('DataClassGate', () => {
  it('hands its destination every event without the fields of the classes it does not take', async () => {
    const destination = new RecordingPublisher();

    await new DataClassGate(destination, ['operational', 'personal']).publish([event, event]);

    expect(destination.events).toHaveLength(2);
    for (const delivered of destination.events) {
      expect(delivered.detail.data).toMatchObject({ id: PATIENT.id, first_name: 'Avery' });
      expect(delivered.detail.data).not.toHaveProperty('notes');
      expect(delivered.detail.withheld?.classes).toEqual(['phi']);
    }
  });

  it('passes events unchanged to a destination that takes every class (the default)', async () => {
    const destination = new RecordingPublisher();
    const gate = new DataClassGate(destination);

    await gate.publish([event]);

    expect(destination.events[0]).toBe(event);
    expect(gate.withheld).toEqual([]);
  });

  it('says which classes it withholds, in class order', () => {
    const gate = new DataClassGate(new RecordingPublisher(), ['phi', 'operational']);

    expect(gate.allowed).toEqual(['operational', 'phi']);
    expect(gate.withheld).toEqual(['personal']);
  });

  it('refuses a list without operational: ids and timestamps go with every event', () => {
    expect(() => new DataClassGate(new RecordingPublisher(), ['personal'])).toThrow(ConfigError);
  });

  it('fails as its destination fails, so the engine does not checkpoint', async () => {
    const destination = withFaults(
      new RecordingPublisher(),
      new FaultPlan<EventPublisher>().next('publish', publishFails),
    );

    await expect(new DataClassGate(destination, ['operational']).publish([event])).rejects.toThrow(
      /injected/,
    );
  });
});
