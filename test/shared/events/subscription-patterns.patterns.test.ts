/**
 * The rule patterns the README tells consumers to subscribe with ("Deploy to AWS", step 5), read from
 * the README itself and checked with AWS Event Ruler against events built by `buildEvent` — so a
 * documented pattern that stops matching what the bridge emits fails here, not in someone's account.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type BuildEventInput, buildEvent, DEFAULT_EVENT_OPTIONS } from '../../../shared/events/build.js';
import { exampleEvents } from '../../../shared/events/catalog-examples.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import { EventPatternError, EventRuler } from '../../support/event-patterns.js';
import { patientInput, streamNamed } from './fixtures.js';

const Pattern = z.record(z.string(), z.unknown());
type Pattern = z.infer<typeof Pattern>;

/** The "You want" → "Event pattern" rows of the README's subscription table. */
function readmeSubscriptionPatterns(): Map<string, Pattern> {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const lines = readme.split('\n').map((line) => line.trim());
  const header = lines.indexOf('| You want | Event pattern |');
  if (header < 0) throw new Error('the README has no "| You want | Event pattern |" table');
  const patterns = new Map<string, Pattern>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const row = /^\|\s*(.+?)\s*\|\s*`(.+)`\s*\|$/.exec(line);
    if (row?.[1] === undefined || row[2] === undefined) throw new Error(`unexpected table row: ${line}`);
    patterns.set(row[1], Pattern.parse(JSON.parse(row[2])));
  }
  return patterns;
}

const documented = readmeSubscriptionPatterns();

function documentedPattern(want: string): Pattern {
  const pattern = documented.get(want);
  if (pattern === undefined) throw new Error(`the README's subscription table has no row "${want}"`);
  return pattern;
}

/** A synthetic individual appointment, as Cliniko returns it (ids as strings). */
const APPOINTMENT = Object.freeze({
  id: '1390726237298632001',
  starts_at: '2026-12-03T02:00:00Z',
  ends_at: '2026-12-03T02:30:00Z',
  notes: 'Bring referral',
  archived_at: null,
  cancelled_at: null,
  deleted_at: null,
  created_at: '2026-11-20T09:00:00Z',
  updated_at: '2026-11-29T10:15:00Z',
});

function appointmentEvent(overrides: Partial<BuildEventInput> = {}): ChangeEvent {
  return buildEvent(
    patientInput({
      stream: streamNamed('individual_appointments'),
      record: APPOINTMENT,
      changedFields: ['starts_at'],
      ...overrides,
    }),
    DEFAULT_EVENT_OPTIONS,
  );
}

const patientUpdated = (overrides: Partial<BuildEventInput> = {}): ChangeEvent =>
  buildEvent(patientInput(overrides), DEFAULT_EVENT_OPTIONS);

const catalog = [...exampleEvents().values()];

let ruler: EventRuler;

beforeAll(() => {
  ruler = EventRuler.start();
});

afterAll(async () => {
  await ruler.close();
});

/** The detail-types of the catalog's example events (one per detail-type) that `pattern` matches. */
async function matchedDetailTypes(pattern: Pattern): Promise<string[]> {
  const answers = await Promise.all(catalog.map((event) => ruler.matches(pattern, event)));
  return catalog.filter((_, index) => answers[index] === true).map((event) => event['detail-type']);
}

describe('the README subscription table', () => {
  it('documents the four patterns these tests check', () => {
    expect([...documented.keys()]).toEqual([
      'One entity',
      'One action',
      'A changed field',
      'One Cliniko account',
    ]);
  });
});

describe('"One entity" (detail-type prefix), checked with Event Ruler', () => {
  const pattern = () => documentedPattern('One entity');

  it('matches a patient update', async () => {
    expect(await ruler.matches(pattern(), patientUpdated())).toBe(true);
  });

  it('does not match an appointment update', async () => {
    expect(await ruler.matches(pattern(), appointmentEvent())).toBe(false);
  });

  it('does not match a patient event from a bridge configured with another source', async () => {
    const event = buildEvent(patientInput(), { ...DEFAULT_EVENT_OPTIONS, source: 'cliniko-staging' });

    expect(await ruler.matches(pattern(), event)).toBe(false);
  });

  it('selects exactly the patient detail-types of the event catalog', async () => {
    expect(await matchedDetailTypes(pattern())).toEqual([
      'patient.archived',
      'patient.created',
      'patient.deleted',
      'patient.restored',
      'patient.snapshot',
      'patient.updated',
    ]);
  });
});

describe('"One action" (detail-type suffix), checked with Event Ruler', () => {
  const pattern = () => documentedPattern('One action');

  it('matches an appointment cancellation', async () => {
    const event = appointmentEvent({
      action: 'cancelled',
      record: { ...APPOINTMENT, cancelled_at: '2026-11-29T10:15:00Z' },
      changedFields: ['cancelled_at'],
    });

    expect(await ruler.matches(pattern(), event)).toBe(true);
  });

  it('does not match an appointment update', async () => {
    expect(await ruler.matches(pattern(), appointmentEvent())).toBe(false);
  });

  it('selects exactly the cancelled detail-types of the event catalog', async () => {
    expect(await matchedDetailTypes(pattern())).toEqual([
      'attendee.cancelled',
      'individual_appointment.cancelled',
    ]);
  });
});

describe('"A changed field" (starts_at in changes.fields), checked with Event Ruler', () => {
  const pattern = () => documentedPattern('A changed field');

  it('matches an appointment update that lists starts_at among several changed fields', async () => {
    const event = appointmentEvent({ changedFields: ['notes', 'starts_at', 'ends_at'] });

    expect(event.detail.changes?.fields).toEqual(['ends_at', 'notes', 'starts_at']);
    expect(await ruler.matches(pattern(), event)).toBe(true);
  });

  it('does not match an appointment update that lists only notes', async () => {
    const event = appointmentEvent({ changedFields: ['notes'] });

    expect(await ruler.matches(pattern(), event)).toBe(false);
  });

  it('does not match a first sighting, whose changes are null', async () => {
    const event = appointmentEvent({ changedFields: null });

    expect(event.detail.changes).toBeNull();
    expect(await ruler.matches(pattern(), event)).toBe(false);
  });

  it('does not match a group appointment update that lists starts_at', async () => {
    const event = appointmentEvent({ stream: streamNamed('group_appointments') });

    expect(event['detail-type']).toBe('group_appointment.updated');
    expect(await ruler.matches(pattern(), event)).toBe(false);
  });
});

describe('"One Cliniko account" (detail.account), checked with Event Ruler', () => {
  const pattern = () => documentedPattern('One Cliniko account');

  it('matches an event from that account', async () => {
    expect(await ruler.matches(pattern(), patientUpdated({ account: 'harbourside-physio' }))).toBe(true);
  });

  it('does not match an event from another account', async () => {
    expect(await ruler.matches(pattern(), patientUpdated({ account: 'main-clinic' }))).toBe(false);
  });
});

// `detail.signals` is an array like changes.fields, and its documented patterns (signal-patterns.patterns.test.ts) rely on this.
describe('a pattern on a field holding an array, checked with Event Ruler', () => {
  const startsAt = { detail: { changes: { fields: ['starts_at'] } } };

  it('matches when any element of the array equals the value', async () => {
    const event = appointmentEvent({ changedFields: ['starts_at', 'email'] });

    expect(event.detail.changes?.fields).toEqual(['email', 'starts_at']);
    expect(await ruler.matches(startsAt, event)).toBe(true);
  });

  it('does not match when no element equals the value', async () => {
    const event = appointmentEvent({ changedFields: ['email', 'notes'] });

    expect(await ruler.matches(startsAt, event)).toBe(false);
  });

  it('does not match an element the value is only a prefix of', async () => {
    const event = appointmentEvent({ changedFields: ['starts_at'] });

    expect(await ruler.matches({ detail: { changes: { fields: ['starts'] } } }, event)).toBe(false);
  });

  it('matches when the array and the pattern share one of several values', async () => {
    const event = appointmentEvent({ changedFields: ['notes', 'practitioner'] });
    const either = { detail: { changes: { fields: ['starts_at', 'practitioner'] } } };

    expect(await ruler.matches(either, event)).toBe(true);
  });

  it('does not match an empty array', async () => {
    const event = appointmentEvent({ changedFields: [] });

    expect(event.detail.changes?.fields).toEqual([]);
    expect(await ruler.matches(startsAt, event)).toBe(false);
  });
});

describe('the Event Ruler harness', () => {
  it('rejects a pattern Event Ruler cannot compile instead of reporting no match', async () => {
    const misspelt = { 'detail-type': [{ prefixx: 'patient.' }] };

    await expect(ruler.matches(misspelt, patientUpdated())).rejects.toThrow(EventPatternError);
  });
});
