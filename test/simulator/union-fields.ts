/**
 * The fields of the two list resources whose item the 2023 spec gives as `oneOf` variants, so the
 * spec fixture lists none for them: what the simulator serves, and where each field comes from.
 * (`bookings`, the third, is a view over three resources; its items are checked against those.)
 *
 * - communications: the `Communication` schema of Cliniko's current API reference (its memo
 *   variant, the only one the reference spells out): archived_at, category ("Memo"), category_code
 *   (12), confidential, content, created_at, direction_code (1 Sent, 2 Received),
 *   direction_description, from, id, links, patient, to, type (SMS, Email, Phone call, Other),
 *   type_code (1–4), updated_at. The 2023 spec's filters (archived_at, category_code, patient_id …)
 *   all name fields of it.
 * - patient_attachments: metadata only, never file content. The `PatientAttachment` schema of the
 *   current reference: content_type, created_at, description, filename, id, links, patient,
 *   pinned_at, processed_at, processing_completed, size, updated_at, user; plus archived_at, which
 *   the 2023 spec filters on and the fact sheet lists an archive endpoint for.
 */
import type { SpecField } from './spec-resources.js';

const datetime = (nullable: boolean): SpecField => ({ type: 'string', nullable, format: 'date-time' });
const text: SpecField = { type: 'string', nullable: true };
const code: SpecField = { type: 'integer', nullable: true };
const id: SpecField = { type: 'string', nullable: false, format: 'int64' };
const self: SpecField = { type: 'object', nullable: false, keys: ['self'] };
const linkTo: SpecField = { type: 'object', nullable: false, keys: ['links'] };

export const UNION_FIELDS: Readonly<Record<string, Readonly<Record<string, SpecField>>>> = {
  communications: {
    archived_at: datetime(true),
    category: text,
    category_code: code,
    confidential: { type: 'boolean', nullable: true },
    content: text,
    created_at: datetime(false),
    direction_code: code,
    direction_description: text,
    from: text,
    id,
    links: self,
    patient: linkTo,
    to: text,
    type: text,
    type_code: code,
    updated_at: datetime(false),
  },
  patient_attachments: {
    archived_at: datetime(true),
    content_type: text,
    created_at: datetime(false),
    description: text,
    filename: text,
    id,
    links: self,
    patient: linkTo,
    pinned_at: datetime(true),
    processed_at: datetime(true),
    processing_completed: { type: 'boolean', nullable: true },
    size: code,
    updated_at: datetime(false),
    user: linkTo,
  },
};
