import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildEvent, DEFAULT_EVENT_OPTIONS } from '../../../shared/events/build.js';
import { exampleEvents } from '../../../shared/events/catalog-examples.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import {
  type CheckedDetailType,
  type CheckedEntity,
  hasSignal,
  isEventOfEntity,
  isEventOfType,
} from '../../../shared/events/guards.js';
import {
  type DetailTypeOfEntity,
  KNOWN_ENTITIES,
  type KnownDetailType,
  type KnownEntity,
} from '../../../shared/events/known-types.js';
import { DETAIL_TYPES, detailTypesOf } from '../../../shared/events/schema.js';
import { STREAMS } from '../../../shared/streams.js';
import { patientInput } from './fixtures.js';

const validEvent = (): ChangeEvent => buildEvent(patientInput(), DEFAULT_EVENT_OPTIONS);

describe('type guards', () => {
  it('recognizes an event of the asked detail-type only', () => {
    const event: unknown = validEvent();

    expect(isEventOfType(event, 'patient.updated')).toBe(true);
    expect(isEventOfType(event, 'patient.created')).toBe(false);
  });

  it('narrows the event to its detail-type', () => {
    const event: unknown = validEvent();

    if (!isEventOfType(event, 'patient.updated')) throw new Error('expected a patient.updated event');
    const type: 'patient.updated' = event.detail.type;
    expect(type).toBe('patient.updated');
  });

  it('answers false for a detail-type known only at run time that the registry does not produce', () => {
    const fromConfiguration: string = 'practitioner.cancelled';

    expect(isEventOfType(validEvent(), fromConfiguration)).toBe(false);
  });

  it('recognizes the example event of every detail-type of all 32 streams, and no other type', () => {
    const examples = exampleEvents();

    expect(examples.size).toBe(DETAIL_TYPES.length);
    for (const [type, event] of examples) {
      const other = type.endsWith('.created')
        ? type.replace(/created$/, 'updated')
        : type.replace(/\.\w+$/, '.created');
      expect(isEventOfType(event, type), type).toBe(true);
      expect(isEventOfType(event, other), `${type} as ${other}`).toBe(false);
    }
  });

  it('recognizes every event of an entity with isEventOfEntity, and only of that entity', () => {
    for (const [type, event] of exampleEvents()) {
      const entity = type.slice(0, type.indexOf('.'));
      const other = entity === 'tax' ? 'user' : 'tax';

      expect(isEventOfEntity(event, entity), type).toBe(true);
      expect(isEventOfEntity(event, other), `${type} as ${other}`).toBe(false);
    }
    expect(isEventOfEntity({ 'detail-type': 'tax.updated' }, 'tax')).toBe(false);
    expect(isEventOfEntity(null, 'tax')).toBe(false);
  });

  it("narrows a new entity's event to its detail-types and its stream", () => {
    const event: unknown = exampleEvents().get('stock_adjustment.updated');

    if (!isEventOfEntity(event, 'stock_adjustment')) throw new Error('expected a stock_adjustment event');
    const type:
      | 'stock_adjustment.created'
      | 'stock_adjustment.updated'
      | 'stock_adjustment.snapshot'
      | 'stock_adjustment.deleted' = event.detail.type;
    const resource: 'stock_adjustments' = event.detail.resource;
    expect([type, resource]).toEqual(['stock_adjustment.updated', 'stock_adjustments']);
  });

  it('rejects a misspelt detail-type or entity at compile time and lets run-time strings through', () => {
    expectTypeOf<CheckedDetailType<'patient.updated'>>().toEqualTypeOf<'patient.updated'>();
    expectTypeOf<CheckedDetailType<'patinet.updated'>>().toEqualTypeOf<KnownDetailType>();
    expectTypeOf<CheckedDetailType<'tax.cancelled'>>().toEqualTypeOf<KnownDetailType>();
    expectTypeOf<CheckedDetailType<string>>().toEqualTypeOf<string>();
    expectTypeOf<CheckedEntity<'referral_source_type'>>().toEqualTypeOf<'referral_source_type'>();
    expectTypeOf<CheckedEntity<'referal_source_type'>>().toEqualTypeOf<KnownEntity>();
    expectTypeOf<DetailTypeOfEntity<'tax'>>().toEqualTypeOf<
      'tax.created' | 'tax.deleted' | 'tax.snapshot' | 'tax.updated'
    >();
    // The same facts at run time: the literal types are generated from the registry.
    expect(KNOWN_ENTITIES.tax.detailTypes).toEqual([
      'tax.created',
      'tax.deleted',
      'tax.snapshot',
      'tax.updated',
    ]);
  });
});

describe('known-types.ts (generated)', () => {
  it('lists every entity of the registry with its stream and detail-types (regenerate with `npx tsx scripts/generate-events-docs.ts`)', () => {
    const expected = Object.fromEntries(
      STREAMS.map((stream) => [stream.entity, { resource: stream.name, detailTypes: detailTypesOf(stream) }]),
    );

    expect(KNOWN_ENTITIES).toEqual(expected);
    expect(Object.keys(KNOWN_ENTITIES)).toEqual(STREAMS.map((stream) => stream.entity));
  });
});

describe('hasSignal', () => {
  const events = [...exampleEvents().values()];

  it('is true exactly for the events whose detail.signals hold the signal', () => {
    const rescheduled = events
      .filter((event) => hasSignal(event, 'rescheduled'))
      .map((e) => e['detail-type']);
    const paid = events.filter((event) => hasSignal(event, 'paid')).map((e) => e['detail-type']);

    expect(rescheduled).toEqual(['individual_appointment.updated']);
    expect(paid).toEqual(['invoice.updated']);
    expect(events.filter((event) => hasSignal(event, 'merged'))).toEqual([]);
  });

  it('takes only signals the registry knows, at compile time', () => {
    const event = events[0] as ChangeEvent;
    // @ts-expect-error 'reschedlued' is not a signal
    expect(hasSignal(event, 'reschedlued')).toBe(false);
  });
});
