import { describe, expect, it } from 'vitest';
import { signalsFor } from '../../../shared/events/signals.js';
import { SIGNALS, STREAM_SIGNALS, signalsOf } from '../../../shared/signals.js';
import { STREAM_NAMES } from '../../../shared/streams.js';

const PRACTITIONER = { links: { self: 'https://api.au1.cliniko.com/v1/practitioners/1390726237298631770' } };
const SURVIVOR = { links: { self: 'https://api.au1.cliniko.com/v1/patients/1390726237298631999' } };

const appointment = {
  id: '1',
  starts_at: '2026-12-01T09:00:00Z',
  ends_at: '2026-12-01T09:30:00Z',
  cancelled_at: null,
  patient_arrived: false,
  did_not_arrive: false,
  booking_ip_address: null,
  online_booking_policy_accepted: null,
  practitioner: PRACTITIONER,
};

const signals = (
  stream: string,
  record: Record<string, unknown>,
  changedFields: readonly string[] | null,
  action: Parameters<typeof signalsFor>[0]['action'] = 'updated',
  trackedPrevious?: Record<string, unknown>,
) => signalsFor({ stream, action, record, changedFields, trackedPrevious }).signals;

describe('signals of individual appointments', () => {
  it('says rescheduled when starts_at or ends_at changed and the appointment is not cancelled', () => {
    expect(signals('individual_appointments', appointment, ['ends_at', 'starts_at'])).toEqual([
      'rescheduled',
    ]);
    expect(signals('individual_appointments', appointment, ['ends_at'])).toEqual(['rescheduled']);
    expect(
      signals(
        'individual_appointments',
        { ...appointment, cancelled_at: '2026-11-30T10:00:00Z' },
        ['starts_at'],
        'cancelled',
      ),
    ).toEqual([]);
  });

  it('says reassigned and type_changed for a new practitioner and appointment type, in catalog order', () => {
    expect(
      signals('individual_appointments', appointment, ['appointment_type', 'practitioner', 'starts_at']),
    ).toEqual(['rescheduled', 'reassigned', 'type_changed']);
  });

  it('says arrived and did_not_arrive only when the flag became true', () => {
    expect(
      signals('individual_appointments', { ...appointment, patient_arrived: true }, ['patient_arrived']),
    ).toEqual(['arrived']);
    expect(signals('individual_appointments', appointment, ['patient_arrived'])).toEqual([]);
    expect(
      signals('individual_appointments', { ...appointment, did_not_arrive: true }, ['did_not_arrive']),
    ).toEqual(['did_not_arrive']);
    // Arrived already, and something else changed: no news about arrival.
    expect(signals('individual_appointments', { ...appointment, patient_arrived: true }, ['notes'])).toEqual(
      [],
    );
  });

  it('says booked_online for a new appointment with a booking IP address or an accepted online-booking policy', () => {
    const online = { ...appointment, booking_ip_address: '203.0.113.7' };
    expect(signals('individual_appointments', online, null, 'created')).toEqual(['booked_online']);
    expect(
      signals(
        'individual_appointments',
        { ...appointment, online_booking_policy_accepted: true },
        null,
        'created',
      ),
    ).toEqual(['booked_online']);
    expect(signals('individual_appointments', appointment, null, 'created')).toEqual([]);
    // Only its creation is news: later edits of an online booking do not repeat it.
    expect(signals('individual_appointments', online, ['notes'])).toEqual([]);
  });

  it('says nothing on an unrelated edit, a first sighting, a snapshot or a deletion', () => {
    expect(signals('individual_appointments', appointment, ['notes'])).toEqual([]);
    expect(signals('individual_appointments', appointment, null)).toEqual([]);
    expect(signals('individual_appointments', appointment, ['starts_at'], 'snapshot')).toEqual([]);
    expect(signals('individual_appointments', appointment, ['starts_at', 'deleted_at'], 'deleted')).toEqual(
      [],
    );
  });
});

describe('signals of invoices', () => {
  const invoice = (status: number, closedAt: string | null = null) => ({
    id: '2',
    status,
    closed_at: closedAt,
  });

  it('says paid, closed and reopened when the status became 20, 30, or open again', () => {
    expect(signals('invoices', invoice(20, '2026-11-30T10:00:00Z'), ['closed_at', 'status'])).toEqual([
      'paid',
    ]);
    expect(signals('invoices', invoice(30, '2026-11-30T10:00:00Z'), ['closed_at', 'status'])).toEqual([
      'closed',
    ]);
    expect(signals('invoices', invoice(10), ['closed_at', 'status'], 'updated', { status: 20 })).toEqual([
      'reopened',
    ]);
  });

  it('tells a reopening from a move between the two open statuses by the previous status', () => {
    expect(signals('invoices', invoice(40), ['status'], 'updated', { status: 10 })).toEqual([]);
    expect(signals('invoices', invoice(40), ['status'], 'updated', { status: 30 })).toEqual(['reopened']);
  });

  it('falls back to a change of closed_at while the previous status is not known', () => {
    expect(signals('invoices', invoice(10), ['closed_at', 'status'])).toEqual(['reopened']);
    expect(signals('invoices', invoice(40), ['status'])).toEqual([]);
  });

  it('says nothing when an invoice is edited without a status change', () => {
    expect(signals('invoices', invoice(20, '2026-11-30T10:00:00Z'), ['notes'])).toEqual([]);
  });
});

describe('signals of other streams', () => {
  it('says finalised when a draft treatment note became final, not when a final note is edited', () => {
    expect(signals('treatment_notes', { id: '3', draft: false }, ['content', 'draft'])).toEqual([
      'finalised',
    ]);
    expect(signals('treatment_notes', { id: '3', draft: false }, ['content'])).toEqual([]);
    expect(signals('treatment_notes', { id: '3', draft: true }, ['draft'])).toEqual([]);
  });

  it('says merged for a patient archived by a merge, naming the surviving patient', () => {
    const merged = {
      id: '4',
      archived_at: '2026-11-30T10:00:00Z',
      merged_at: '2026-11-30T10:00:00Z',
      merged_with_patient: SURVIVOR,
    };
    expect(
      signalsFor({
        stream: 'patients',
        action: 'archived',
        record: merged,
        changedFields: ['archived_at'],
        trackedPrevious: undefined,
      }),
    ).toEqual({ signals: ['merged'], related: { mergedIntoPatientId: '1390726237298631999' } });
    expect(
      signals(
        'patients',
        { id: '4', archived_at: '2026-11-30T10:00:00Z', merged_at: null, merged_with_patient: null },
        ['archived_at'],
        'archived',
      ),
    ).toEqual([]);
  });

  it('says deactivated and reactivated when a practitioner’s active flag flips', () => {
    expect(signals('practitioners', { id: '5', active: false }, ['active'])).toEqual(['deactivated']);
    expect(signals('practitioners', { id: '5', active: true }, ['active'])).toEqual(['reactivated']);
    expect(signals('practitioners', { id: '5', active: true }, ['first_name'])).toEqual([]);
  });

  it('says arrived for an attendee marked arrived, and rescheduled for a moved group appointment', () => {
    expect(signals('attendees', { id: '6', arrived: true }, ['arrived'])).toEqual(['arrived']);
    expect(signals('group_appointments', { id: '7' }, ['starts_at'])).toEqual(['rescheduled']);
  });

  it('gives streams without rules no signals', () => {
    expect(signals('contacts', { id: '8', active: false }, ['active'])).toEqual([]);
  });
});

describe('the signal registry', () => {
  it('names only streams of the registry, and every signal some stream can carry', () => {
    expect(Object.keys(STREAM_SIGNALS).filter((stream) => !STREAM_NAMES.includes(stream))).toEqual([]);
    const carried = new Set(STREAM_NAMES.flatMap((stream) => signalsOf(stream)));
    expect(SIGNALS.filter((signal) => !carried.has(signal))).toEqual([]);
  });
});
