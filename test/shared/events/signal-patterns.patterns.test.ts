/**
 * The README's "Signals" rule patterns, read from the README and checked with AWS Event Ruler (the
 * library EventBridge's matching is built on) against events built by `buildEvent`: each matches the
 * events its signal names and not a plain update. And the bare `{"detail":{"signals":["rescheduled"]}}`
 * the issue asks for.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type BuildEventInput, buildEvent, DEFAULT_EVENT_OPTIONS } from '../../../shared/events/build.js';
import { exampleEvents } from '../../../shared/events/catalog-examples.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import { EventRuler } from '../../support/event-patterns.js';
import { patientInput, streamNamed } from './fixtures.js';

const Pattern = z.record(z.string(), z.unknown());
type Pattern = z.infer<typeof Pattern>;

/** The "Automation" → "Event pattern" rows of the README's Signals section. */
function readmeSignalPatterns(): Map<string, Pattern> {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const lines = readme.split('\n').map((line) => line.trim());
  const header = lines.indexOf('| Automation | Event pattern |');
  if (header < 0) throw new Error('the README has no "| Automation | Event pattern |" table');
  const patterns = new Map<string, Pattern>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const row = /^\|\s*(.+?)\s*\|\s*`(.+)`\s*\|$/.exec(line);
    if (row?.[1] === undefined || row[2] === undefined) throw new Error(`unexpected table row: ${line}`);
    patterns.set(row[1], Pattern.parse(JSON.parse(row[2])));
  }
  return patterns;
}

const documented = readmeSignalPatterns();
const pattern = (automation: string): Pattern => {
  const found = documented.get(automation);
  if (found === undefined) throw new Error(`the README's Signals table has no row "${automation}"`);
  return found;
};

const APPOINTMENT = Object.freeze({
  id: '1390726237298632001',
  starts_at: '2026-12-03T02:00:00Z',
  ends_at: '2026-12-03T02:30:00Z',
  notes: 'Synthetic note',
  patient_arrived: false,
  did_not_arrive: false,
  booking_ip_address: null,
  online_booking_policy_accepted: null,
  archived_at: null,
  cancelled_at: null,
  deleted_at: null,
  created_at: '2026-11-20T09:00:00Z',
  updated_at: '2026-11-29T10:15:00Z',
});

const build = (stream: string, record: Record<string, unknown>, overrides: Partial<BuildEventInput> = {}) =>
  buildEvent(
    patientInput({ stream: streamNamed(stream), record: { ...record, id: String(record.id) }, ...overrides }),
    DEFAULT_EVENT_OPTIONS,
  );

const rescheduled = build('individual_appointments', APPOINTMENT, {
  changedFields: ['ends_at', 'starts_at'],
});
const plainUpdate = build('individual_appointments', APPOINTMENT, { changedFields: ['notes'] });
const didNotArrive = build(
  'individual_appointments',
  { ...APPOINTMENT, did_not_arrive: true },
  {
    changedFields: ['did_not_arrive'],
  },
);
const attendeeDidNotArrive = build(
  'attendees',
  { id: '1390726237298632002', did_not_arrive: true },
  {
    changedFields: ['did_not_arrive'],
  },
);
const invoice = {
  id: '1390726237298632003',
  status: 20,
  closed_at: '2026-11-29T10:15:00Z',
  notes: 'Synthetic',
};
const paid = build('invoices', invoice, { changedFields: ['closed_at', 'status'] });
const invoiceEdited = build('invoices', invoice, { changedFields: ['notes'] });
const bookedOnline = build(
  'individual_appointments',
  { ...APPOINTMENT, booking_ip_address: '203.0.113.9' },
  {
    action: 'created',
    changedFields: null,
  },
);
const bookedInClinic = build('individual_appointments', APPOINTMENT, {
  action: 'created',
  changedFields: null,
});
const merged = build(
  'patients',
  {
    id: '1390726237298632004',
    archived_at: '2026-11-29T10:15:00Z',
    merged_at: '2026-11-29T10:15:00Z',
    merged_with_patient: { links: { self: 'https://api.au1.cliniko.com/v1/patients/1390726237298632005' } },
  },
  { action: 'archived', changedFields: ['archived_at', 'merged_at', 'merged_with_patient'] },
);
const archivedOnly = build(
  'patients',
  {
    id: '1390726237298632006',
    archived_at: '2026-11-29T10:15:00Z',
    merged_at: null,
    merged_with_patient: null,
  },
  { action: 'archived', changedFields: ['archived_at'] },
);

let ruler: EventRuler;
beforeAll(() => {
  ruler = EventRuler.start();
});
afterAll(async () => {
  await ruler.close();
});

const matches = (p: Pattern, event: ChangeEvent) => ruler.matches(p, event);

describe('{"detail":{"signals":["rescheduled"]}}, checked with Event Ruler', () => {
  const bare = { detail: { signals: ['rescheduled'] } };

  it('matches a rescheduled appointment and not a plain update of it', async () => {
    expect(rescheduled.detail.signals).toEqual(['rescheduled']);
    expect(plainUpdate.detail.signals).toEqual([]);
    expect(await matches(bare, rescheduled)).toBe(true);
    expect(await matches(bare, plainUpdate)).toBe(false);
  });

  it('matches when rescheduled is one of several signals', async () => {
    const moved = build('individual_appointments', APPOINTMENT, {
      changedFields: ['practitioner', 'starts_at'],
    });

    expect(moved.detail.signals).toEqual(['rescheduled', 'reassigned']);
    expect(await matches(bare, moved)).toBe(true);
  });
});

describe('the README Signals table', () => {
  it('documents the automations these tests check', () => {
    expect([...documented.keys()]).toEqual([
      'Reminder after a reschedule',
      'Follow-up after a did-not-arrive',
      'Thank-you after payment',
      'Welcome after an online booking',
      'Update a CRM after a merge',
    ]);
  });

  it('"Reminder after a reschedule" matches the reschedule only', async () => {
    const p = pattern('Reminder after a reschedule');

    expect(await matches(p, rescheduled)).toBe(true);
    expect(await matches(p, plainUpdate)).toBe(false);
  });

  it('"Follow-up after a did-not-arrive" matches appointments and attendees marked so, not a plain update', async () => {
    const p = pattern('Follow-up after a did-not-arrive');

    expect(await matches(p, didNotArrive)).toBe(true);
    expect(await matches(p, attendeeDidNotArrive)).toBe(true);
    expect(await matches(p, plainUpdate)).toBe(false);
  });

  it('"Thank-you after payment" matches the invoice paid, not another edit of it', async () => {
    const p = pattern('Thank-you after payment');

    expect(await matches(p, paid)).toBe(true);
    expect(await matches(p, invoiceEdited)).toBe(false);
  });

  it('"Welcome after an online booking" matches the online booking, not one made in the clinic', async () => {
    const p = pattern('Welcome after an online booking');

    expect(await matches(p, bookedOnline)).toBe(true);
    expect(await matches(p, bookedInClinic)).toBe(false);
  });

  it('"Update a CRM after a merge" matches the merged-away patient, not a plain archive', async () => {
    const p = pattern('Update a CRM after a merge');

    expect(merged.detail.related).toEqual({ mergedIntoPatientId: '1390726237298632005' });
    expect(await matches(p, merged)).toBe(true);
    expect(await matches(p, archivedOnly)).toBe(false);
  });

  it('match none of the catalog’s examples that carry no signal', async () => {
    const quiet = [...exampleEvents().values()].filter((event) => event.detail.signals.length === 0);
    const answers = await Promise.all(
      [...documented.values()].flatMap((p) => quiet.map((event) => matches(p, event))),
    );

    expect(quiet.length).toBeGreaterThan(0);
    expect(answers.filter(Boolean)).toEqual([]);
  });
});
