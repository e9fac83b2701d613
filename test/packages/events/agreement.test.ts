/**
 * The events package validates without zod; these tests hold it to the bridge's zod schemas (the
 * contract's source of truth): the same verdict on every event the code builds, on events built from
 * every stream's simulated records, on hand-made breakages and on random ones.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ChangeEvent,
  type DetailType,
  isChangeEvent,
  isEventOfEntity,
  isEventOfType,
  parseChangeEvent,
  validateChangeEvent,
} from '../../../packages/events/src/index.js';
import { buildEvent, DEFAULT_EVENT_OPTIONS } from '../../../shared/events/build.js';
import { exampleEvents } from '../../../shared/events/catalog-examples.js';
import type { ChangeEvent as BridgeEvent, EventData } from '../../../shared/events/contract.js';
import { changeEventSchema, eventSchemaFor } from '../../../shared/events/schema.js';
import { STREAMS } from '../../../shared/streams.js';
import { type RunningSimulator, startSimulator } from '../../../simulator/index.js';
import { api, items } from '../../simulator/sim-client.js';

const zodAccepts = (event: unknown) => changeEventSchema.safeParse(event).success;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
type Mutable = { detail: Record<string, unknown>; [key: string]: unknown };

/** Sets a field of `detail.data` when the event has data. */
function setData(event: Mutable, field: string, value: unknown): void {
  const data = event.detail.data;
  if (typeof data === 'object' && data !== null) (data as Record<string, unknown>)[field] = value;
}

/** Built events of every detail-type in every payload mode, and with the payload left out for size. */
const builtEvents = (): [string, BridgeEvent][] =>
  [
    DEFAULT_EVENT_OPTIONS,
    { ...DEFAULT_EVENT_OPTIONS, payload: 'changes' as const },
    { ...DEFAULT_EVENT_OPTIONS, payload: 'ids' as const },
    { ...DEFAULT_EVENT_OPTIONS, maxEntryBytes: 400 },
  ].flatMap((options) => [...exampleEvents(options)]);

describe('the package and the zod schemas agree', () => {
  it('on every event the code builds: all valid, each of its own detail-type and entity only', () => {
    const problems: string[] = [];
    for (const [type, event] of builtEvents()) {
      const entity = type.slice(0, type.indexOf('.'));
      const other = entity === 'patient' ? 'contact' : 'patient';
      const verdicts = [
        zodAccepts(event),
        isChangeEvent(event),
        isEventOfType(event, type),
        isEventOfEntity(event, entity),
        isEventOfType(event, `${other}.created`),
        isEventOfEntity(event, other),
      ];
      if (verdicts.join() !== 'true,true,true,true,false,false') problems.push(`${type}: ${verdicts.join()}`);
    }

    expect(problems).toEqual([]);
  });

  /** Ways to break an event, each of which both must reject. */
  const BREAKAGES: Readonly<Record<string, (event: Mutable) => void>> = {
    'no eventId': (e) => delete e.detail.eventId,
    'an uppercase eventId': (e) => (e.detail.eventId = String(e.detail.eventId).toUpperCase()),
    'a numeric recordId': (e) => (e.detail.recordId = 1390726237),
    'resources holding an ARN instead of the record key': (e) =>
      (e.resources = ['arn:aws:events:::record/1']),
    'resources holding two keys': (e) =>
      (e.resources = [...(e.resources as string[]), ...(e.resources as string[])]),
    'no sequence': (e) => delete e.detail.sequence,
    'a sequence of 0': (e) => (e.detail.sequence = 0),
    'a fractional sequence': (e) => (e.detail.sequence = 1.5),
    'no signals': (e) => delete e.detail.signals,
    'a signal no entity carries': (e) => (e.detail.signals = ['teleported']),
    'a repeated signal': (e) => (e.detail.signals = ['rescheduled', 'rescheduled']),
    'previous that is not an object': (e) => (e.detail.previous = 'yesterday'),
    'a related id that is a number': (e) => (e.detail.related = { mergedIntoPatientId: 1 }),
    'a time with milliseconds': (e) => (e.time = '2026-11-29T10:15:00.000Z'),
    'a time with an offset': (e) => (e.time = '2026-11-29T10:15:00+00:00'),
    'a time on 30 February': (e) => (e.time = '2026-02-30T10:15:00Z'),
    'an observedAt without seconds': (e) => (e.detail.observedAt = '2026-11-29T10:15Z'),
    'another detail-type in the envelope': (e) => (e['detail-type'] = 'gift_card.updated'),
    'another detail type': (e) => (e.detail.type = 'gift_card.updated'),
    'another resource': (e) => (e.detail.resource = 'gift_cards'),
    'schemaVersion 2': (e) => (e.detail.schemaVersion = 2),
    'a source of 257 characters': (e) => (e.source = 'x'.repeat(257)),
    'an empty account': (e) => (e.detail.account = ''),
    'data without id': (e) => (e.detail.data = { name: 'x' }),
    'data that is an array': (e) => (e.detail.data = []),
    'changes that are not an object': (e) => (e.detail.changes = 'email'),
    'changed fields unsorted': (e) => (e.detail.changes = { fields: ['b', 'a'] }),
    'changed fields with updated_at': (e) => (e.detail.changes = { fields: ['updated_at'] }),
    'previous that is an array': (e) => (e.detail.changes = { fields: ['a'], previous: [] }),
    'an unknown payloadOmitted reason': (e) => (e.detail.payloadOmitted = 'policy'),
    'created_at a number': (e) => setData(e, 'created_at', 1764411300),
    'links without self': (e) => setData(e, 'links', {}),
  };

  it('on hand-made breakages of every detail-type: both reject each', () => {
    const disagreements: string[] = [];
    for (const [type, event] of exampleEvents()) {
      for (const [name, breakIt] of Object.entries(BREAKAGES)) {
        const broken = clone(event) as unknown as Mutable;
        breakIt(broken);
        const verdicts = [zodAccepts(broken), isChangeEvent(broken), isEventOfType(broken, type)];
        if (verdicts.some(Boolean)) disagreements.push(`${type} with ${name}: ${verdicts.join()}`);
      }
    }

    expect(disagreements).toEqual([]);
  });

  it('on every typed field of every entity given a value of each JSON kind', () => {
    const values: readonly unknown[] = [
      null,
      'text',
      '',
      12,
      1.5,
      2 ** 60,
      true,
      [],
      ['a'],
      [{}],
      {},
      { self: 'https://example.com' },
      { links: { self: 'https://example.com' } },
      { links: {} },
    ];
    const disagreements: string[] = [];
    for (const [type, event] of exampleEvents()) {
      if (!type.endsWith('.updated')) continue;
      const shape = eventSchemaFor(type)?.shape.detail.shape.data.unwrap().shape ?? {};
      for (const field of Object.keys(shape)) {
        for (const value of values) {
          const changed = clone(event) as unknown as Mutable;
          setData(changed, field, value);
          if (zodAccepts(changed) !== isChangeEvent(changed)) {
            disagreements.push(`${type} ${field} = ${JSON.stringify(value)}: zod ${zodAccepts(changed)}`);
          }
        }
      }
    }

    expect(disagreements).toEqual([]);
  });

  it('on random changes anywhere in an event (property-based)', () => {
    const examples = [...exampleEvents().values()];
    const json = fc.jsonValue({ maxDepth: 2 });
    const pathIn = (event: unknown, choice: number): string[] => {
      const path: string[] = [];
      let node = event;
      for (let depth = 0; depth < 3 && typeof node === 'object' && node !== null; depth++) {
        const keys = Object.keys(node);
        if (keys.length === 0 || (choice >> depth) % 4 === 0) break;
        const key = keys[(choice >> (depth + 2)) % keys.length] ?? '';
        path.push(key);
        node = (node as Record<string, unknown>)[key];
      }
      return path;
    };
    fc.assert(
      fc.property(
        fc.nat(examples.length - 1),
        fc.nat(),
        json,
        fc.boolean(),
        (index, choice, value, remove) => {
          const event = clone(examples[index]) as unknown as Record<string, unknown>;
          const path = pathIn(event, choice);
          const last = path.pop();
          let parent: Record<string, unknown> = event;
          for (const key of path) parent = parent[key] as Record<string, unknown>;
          if (last !== undefined) {
            if (remove) delete parent[last];
            else parent[last] = value;
          }
          expect(isChangeEvent(event), JSON.stringify([...path, last])).toBe(zodAccepts(event));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('names the failing paths, never the values, in its issues and errors', () => {
    const event = clone(exampleEvents().get('patient.updated')) as unknown as Mutable;
    setData(event, 'email', 404);
    event.detail.recordId = 'Avery Example';

    const result = validateChangeEvent(event);

    expect(result.ok).toBe(false);
    expect(result.issues.map((issue) => issue.path)).toEqual(['detail.recordId', 'detail.data.email']);
    expect(() => parseChangeEvent(event)).toThrow(/detail\.recordId must be a decimal string/);
    expect(() => parseChangeEvent(event)).not.toThrow(/Avery/);
  });
});

describe('the package and the zod schemas agree on records of every stream the simulator serves', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 17, patients: 30, appointments: 60, rateLimitPerMinute: 100_000 });
  });
  afterAll(() => sim.close());

  it('accepts an event built from each of up to 100 records of each of the 32 streams', async () => {
    const problems: string[] = [];
    for (const stream of STREAMS) {
      const filters = stream.revealFilters.map((filter) => `q[]=${encodeURIComponent(filter)}`).join('&');
      const records = items(await api(sim, 'GET', `${stream.path}?per_page=100&${filters}`), stream.arrayKey);
      expect(records.length, stream.name).toBeGreaterThan(0);
      for (const record of records) {
        const event = buildEvent(
          {
            stream,
            account: 'main-clinic',
            action: 'snapshot',
            record: record as EventData,
            fingerprint: 'f1',
            updatedAt: String(record.updated_at),
            occurredAt: String(record.updated_at),
            observedAt: new Date('2026-11-29T10:15:31.204Z'),
            changedFields: null,
          },
          DEFAULT_EVENT_OPTIONS,
        );
        const type: string = `${stream.entity}.snapshot`;
        const verdicts = [zodAccepts(event), isEventOfType(event, type)];
        if (verdicts.join() !== 'true,true') {
          problems.push(
            `${stream.name}/${record.id}: ${validateChangeEvent(event).issues.map((i) => i.path)}`,
          );
        }
      }
    }

    expect(problems).toEqual([]);
  });
});

describe('the package types', () => {
  it('describe the same events as the bridge contract', () => {
    expectTypeOf<ChangeEvent>().toExtend<BridgeEvent>();
    expectTypeOf<ChangeEvent<'patient.updated'>['detail']['resource']>().toEqualTypeOf<'patients'>();
  });

  it('narrow detail.data to the entity of the detail-type', () => {
    const event: unknown = exampleEvents().get('individual_appointment.cancelled');

    if (!isEventOfType(event, 'individual_appointment.cancelled')) throw new Error('expected a cancellation');
    expectTypeOf(event.detail.data?.cancellation_reason).toEqualTypeOf<number | null | undefined>();
    expectTypeOf(event.detail.data?.starts_at).toEqualTypeOf<string | null | undefined>();
    expect(event.detail.data?.cancellation_reason).toBe(50);
  });

  it('reject a misspelt detail-type at compile time', () => {
    // @ts-expect-error: not a detail-type the bridge produces
    const typo: DetailType = 'patient.udpated';
    // @ts-expect-error: a misspelt literal is not accepted by the guard either
    expect(isEventOfType({}, 'patinet.updated')).toBe(false);
    expect(typo).toBe('patient.udpated');
  });
});
