/** Fields and rules shared by individual and group appointments. */
import { formatTimestamp } from '../clock.js';
import type { Body } from '../store.js';
import type { FieldSpec, GenerateContext, ValidationErrors, WriteContext } from './model.js';
import { appUrl, link, linkedId, recordRandom } from './model.js';

export const APPOINTMENT_WRITABLE: Readonly<Record<string, FieldSpec>> = {
  starts_at: { kind: 'datetime' },
  ends_at: { kind: 'datetime' },
  notes: { kind: 'string', nullable: true },
  practitioner_id: { kind: 'link', resource: 'practitioners', as: 'practitioner' },
  appointment_type_id: { kind: 'link', resource: 'appointment_types', as: 'appointment_type' },
  business_id: { kind: 'link', resource: 'businesses', as: 'business' },
};

export const APPOINTMENT_KEYS = {
  appointment_type_id: 'appointment_type',
  business_id: 'business',
  practitioner_id: 'practitioner',
  repeated_from_id: 'repeated_from',
} as const;

function durationMinutes(body: Body, ctx: WriteContext): number {
  const typeId = linkedId(body.appointment_type);
  const type = typeId ? ctx.account.current('appointment_types', typeId) : undefined;
  const minutes = type?.duration_in_minutes;
  return typeof minutes === 'number' && minutes > 0 ? minutes : 30;
}

/** Fills `ends_at` from the appointment type's duration and checks the times are in order. */
export function finishTimes(body: Body, ctx: WriteContext): ValidationErrors | undefined {
  const starts = typeof body.starts_at === 'string' ? Date.parse(body.starts_at) : Number.NaN;
  if (Number.isNaN(starts)) return { starts_at: "can't be blank" };
  if (body.ends_at === null || body.ends_at === '' || body.ends_at === undefined) {
    body.ends_at = formatTimestamp(starts + durationMinutes(body, ctx) * 60_000);
  }
  const ends = Date.parse(String(body.ends_at));
  return ends > starts ? undefined : { ends_at: 'must be after the start time' };
}

/** A start time around `createdAt`: mostly in the following weeks, on the quarter hour, in clinic hours. */
export function generatedStart(createdAt: string, ctx: GenerateContext): string {
  const day = Math.floor(Date.parse(createdAt) / 86_400_000) + ctx.random.int(0, 45);
  const minutes = ctx.random.int(21 * 4, 31 * 4) * 15; // 21:00–07:45 UTC ≈ 8am–6pm in Australia
  return formatTimestamp(day * 86_400_000 + minutes * 60_000);
}

/** Links to a random practitioner, appointment type and business, or `undefined` if one is missing. */
export function generatedAppointmentLinks(ctx: GenerateContext): Body | undefined {
  const practitioner = ctx.pick('practitioners');
  const type = ctx.pick('appointment_types');
  const business = ctx.pick('businesses');
  if (!practitioner || !type || !business) return undefined;
  return {
    appointment_type: link('appointment_types', type),
    business: link('businesses', business),
    practitioner: link('practitioners', practitioner),
  };
}

/**
 * Spec fields of a booking (appointment or attendee) the first generators left empty: online
 * booking (an address from the 203.0.113.0/24 documentation range), telehealth and patient case.
 */
export function bookingExtras(id: string, ctx: WriteContext): Body {
  const r = recordRandom(id);
  const online = r.chance(0.25);
  return {
    booking_ip_address: online ? `203.0.113.${r.int(1, 254)}` : null,
    online_booking_policy_accepted: online ? true : null,
    telehealth_url: r.chance(0.1) ? appUrl(ctx, `appointments/${id}/connect`) : null,
    patient_case: r.chance(0.1) ? link('patient_cases', r.digits(18)) : null,
  };
}
