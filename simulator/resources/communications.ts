/**
 * Communications: the record of a call, SMS, email or letter with a patient. Through the API they
 * are memos (category 12): creating one records that a communication took place and sends
 * nothing. Archivable; never deleted.
 */
import type { Json } from '../store.js';
import { link, type ResourceModel, selfLinks, type ValidationErrors } from './model.js';
import { updatedAfter } from './timeline.js';

export const COMMUNICATION_TYPES: Readonly<Record<number, string>> = {
  1: 'SMS',
  2: 'Email',
  3: 'Phone call',
  4: 'Other',
};
export const DIRECTIONS: Readonly<Record<number, string>> = { 1: 'Sent', 2: 'Received' };
const MEMO = 12;

const CONTENT = [
  'Called to confirm the appointment time.',
  'Patient asked about parking; sent directions.',
  'Left a voicemail about the referral.',
  'Sent the home exercise program.',
  'Patient called to say the pain has eased.',
  'Emailed the insurer the treatment plan.',
];

export const communications: ResourceModel = {
  name: 'communications',
  filters: {
    archived_at: 'datetime',
    category_code: 'integer',
    created_at: 'datetime',
    id: 'integer',
    patient_id: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: { patient_id: 'patient' },
  archivable: true,
  cancellable: false,
  deletable: false,
  feeds: {},
  writable: {
    patient_id: { kind: 'link', resource: 'patients', as: 'patient' },
    category_code: { kind: 'integer', nullable: true },
    type_code: { kind: 'integer' },
    direction_code: { kind: 'integer' },
    content: { kind: 'string', nullable: true },
    confidential: { kind: 'boolean', nullable: true },
    from: { kind: 'string', nullable: true },
    to: { kind: 'string', nullable: true },
  },
  required: ['patient_id', 'type_code', 'content'],
  blank: (id, ctx) => ({
    id,
    archived_at: null,
    category: 'Memo',
    category_code: MEMO,
    confidential: false,
    content: null,
    direction_code: 1,
    direction_description: 'Sent',
    from: null,
    patient: null,
    to: null,
    type: 'Phone call',
    type_code: 3,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('communications', id),
  }),
  finish(body): ValidationErrors | undefined {
    if (body.category_code !== MEMO && body.category_code !== null)
      return { category_code: 'is not included in the list' };
    const type = typeof body.type_code === 'number' ? COMMUNICATION_TYPES[body.type_code] : undefined;
    if (!type) return { type_code: 'is not included in the list' };
    const direction = typeof body.direction_code === 'number' ? DIRECTIONS[body.direction_code] : undefined;
    if (!direction) return { direction_code: 'is not included in the list' };
    Object.assign(body, { category: 'Memo', category_code: MEMO, type, direction_description: direction });
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const patient = ctx.pick('patients');
    const body = patient ? ctx.account.current('patients', patient) : undefined;
    if (!patient || !body) return undefined;
    const typeCode = ctx.random.pick([1, 1, 2, 3, 3, 4]);
    const directionCode = ctx.random.pick([1, 1, 2]);
    const email = typeCode === 2;
    const clinic = email ? `reception@${ctx.account.id}.example.com` : '61491570100';
    const patientAddress = email ? body.email : firstPhone(body.patient_phone_numbers);
    const sent = directionCode === 1;
    return {
      ...communications.blank(id, ctx),
      confidential: ctx.random.chance(0.1),
      content: ctx.random.pick(CONTENT),
      direction_code: directionCode,
      direction_description: DIRECTIONS[directionCode] ?? 'Sent',
      from: typeCode <= 2 ? (sent ? clinic : (patientAddress ?? null)) : null,
      patient: link('patients', patient),
      to: typeCode <= 2 ? (sent ? (patientAddress ?? null) : clinic) : null,
      type: COMMUNICATION_TYPES[typeCode] ?? 'Other',
      type_code: typeCode,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};

/** The number of a patient's first phone, if any. */
function firstPhone(phones: Json | undefined): string | null {
  const first = Array.isArray(phones) ? phones[0] : undefined;
  return first && typeof first === 'object' && !Array.isArray(first) && typeof first.number === 'string'
    ? first.number
    : null;
}
