/**
 * Signals: named meanings of a change (`rescheduled`, `paid`, `merged` …), as data beside the stream
 * registry (`streams.ts`). Every event carries `detail.signals`, the signals its change means, so an
 * EventBridge rule can match `{"detail":{"signals":["rescheduled"]}}` instead of re-deriving the
 * meaning from `changes.fields`. A signal never replaces the action: one change is still one event.
 *
 * Each rule is a list of conditions over the event being built — its action, the names of the
 * changed fields, the record's current values and, where a stream tracks the field
 * (`tracked-fields.ts`), its previous value — that must all hold. Evaluated by
 * `shared/events/signals.ts`; no code per stream.
 *
 * Change conditions (`changed`, `became`) hold only when the event names its changed fields, so a
 * creation, a snapshot or a first sighting never has them; `deleted` and `snapshot` events carry no
 * signal at all (a deletion or a backfill means nothing more than its action says).
 */
import type { Action } from './events/contract.js';

/** Every signal, in catalog order. */
export const SIGNALS = [
  'rescheduled',
  'reassigned',
  'type_changed',
  'arrived',
  'did_not_arrive',
  'booked_online',
  'paid',
  'closed',
  'reopened',
  'finalised',
  'merged',
  'deactivated',
  'reactivated',
] as const;
export type Signal = (typeof SIGNALS)[number];

export type SignalCondition =
  /** One of `fields` is among the changed fields. */
  | { readonly kind: 'changed'; readonly fields: readonly string[] }
  /** `field` is among the changed fields and its current value is one of `values`. */
  | { readonly kind: 'became'; readonly field: string; readonly values: readonly unknown[] }
  /** One of `fields` is set now: not absent, null, `""` or `false`. */
  | { readonly kind: 'set'; readonly fields: readonly string[] }
  /** None of `fields` is set now. */
  | { readonly kind: 'unset'; readonly fields: readonly string[] }
  /** The event's action is one of `actions`. */
  | { readonly kind: 'action'; readonly actions: readonly Action[] }
  /**
   * The previous value of the tracked `field` was one of `values`; when it is not known (state
   * written before fields were tracked), `otherwise` decides.
   */
  | {
      readonly kind: 'was';
      readonly field: string;
      readonly values: readonly unknown[];
      readonly otherwise: SignalCondition;
    };

export interface SignalRule {
  readonly signal: Signal;
  /** What it means, for the catalog. */
  readonly meaning: string;
  /** Every condition must hold. */
  readonly when: readonly SignalCondition[];
  /**
   * A linked record the event names when the signal is set: `detail.related[key]` is the id at the
   * end of the link in `field` (`merged` names the surviving patient).
   */
  readonly names?: { readonly key: string; readonly field: string };
}

/** Actions whose events never carry a signal. */
export const ACTIONS_WITHOUT_SIGNALS: readonly Action[] = ['deleted', 'snapshot'];

const rescheduled = (meaning: string, extra: readonly SignalCondition[] = []): SignalRule => ({
  signal: 'rescheduled',
  meaning,
  when: [{ kind: 'changed', fields: ['starts_at', 'ends_at'] }, ...extra],
});
const reassigned: SignalRule = {
  signal: 'reassigned',
  meaning: 'The practitioner changed (`practitioner`).',
  when: [{ kind: 'changed', fields: ['practitioner'] }],
};
const became = (signal: Signal, field: string, value: unknown, meaning: string): SignalRule => ({
  signal,
  meaning,
  when: [{ kind: 'became', field, values: [value] }],
});
/**
 * Booked through online booking: Cliniko records the booker's IP address (`booking_ip_address`) for
 * an online booking and, where the clinic has an online-booking policy, whether it was accepted
 * (`online_booking_policy_accepted`); both are null on bookings made in the clinic. Inferred from the
 * API reference's fields and examples, not stated by Cliniko (see the README's Signals section).
 */
const bookedOnline: SignalRule = {
  signal: 'booked_online',
  meaning:
    'Created through online booking: a new record with `booking_ip_address` set or `online_booking_policy_accepted` true (inferred marker, see README).',
  when: [
    { kind: 'action', actions: ['created'] },
    { kind: 'set', fields: ['booking_ip_address', 'online_booking_policy_accepted'] },
  ],
};

/** Per stream name (the registry's), the signals its events can carry, in catalog order. */
export const STREAM_SIGNALS: Readonly<Record<string, readonly SignalRule[]>> = {
  individual_appointments: [
    rescheduled('`starts_at` or `ends_at` changed and the appointment is not cancelled.', [
      { kind: 'unset', fields: ['cancelled_at'] },
    ]),
    reassigned,
    {
      signal: 'type_changed',
      meaning: 'The appointment type changed (`appointment_type`).',
      when: [{ kind: 'changed', fields: ['appointment_type'] }],
    },
    became('arrived', 'patient_arrived', true, '`patient_arrived` became true.'),
    became('did_not_arrive', 'did_not_arrive', true, '`did_not_arrive` became true.'),
    bookedOnline,
  ],
  attendees: [
    became('arrived', 'arrived', true, '`arrived` became true.'),
    became(
      'did_not_arrive',
      'did_not_arrive',
      true,
      '`did_not_arrive` became true (where Cliniko sends it).',
    ),
    bookedOnline,
  ],
  group_appointments: [rescheduled('`starts_at` or `ends_at` changed.'), reassigned],
  invoices: [
    became('paid', 'status', 20, '`status` became 20 (Paid).'),
    became('closed', 'status', 30, '`status` became 30 (Closed).'),
    {
      signal: 'reopened',
      meaning:
        '`status` became 10 or 40 (Open, Open credit) from 20 or 30; before the previous status is known, from a change of `closed_at`.',
      when: [
        { kind: 'became', field: 'status', values: [10, 40] },
        {
          kind: 'was',
          field: 'status',
          values: [20, 30],
          otherwise: { kind: 'changed', fields: ['closed_at'] },
        },
      ],
    },
  ],
  treatment_notes: [became('finalised', 'draft', false, 'A draft became final (`draft` became false).')],
  patients: [
    {
      signal: 'merged',
      meaning:
        'Archived by a merge (`merged_at` set); `detail.related.mergedIntoPatientId` is the surviving patient.',
      when: [
        { kind: 'action', actions: ['archived'] },
        { kind: 'set', fields: ['merged_at', 'merged_with_patient'] },
      ],
      names: { key: 'mergedIntoPatientId', field: 'merged_with_patient' },
    },
  ],
  practitioners: [
    became('deactivated', 'active', false, '`active` became false.'),
    became('reactivated', 'active', true, '`active` became true.'),
  ],
};

/** The signal rules of a stream (none for most). */
export function signalRulesOf(stream: string): readonly SignalRule[] {
  return STREAM_SIGNALS[stream] ?? [];
}

/** The signals a stream's events can carry, in catalog order. */
export function signalsOf(stream: string): readonly Signal[] {
  const own = new Set(signalRulesOf(stream).map((rule) => rule.signal));
  return SIGNALS.filter((signal) => own.has(signal));
}
