/**
 * Patient attachments: files kept on a patient's record (referral letters, scans). The simulator
 * holds their metadata only — name, content type, size, links — never file content. `POST` takes
 * Cliniko's `upload_url` (where the file was uploaded; never fetched here): the file name and type
 * come from it. New uploads are processed by a background job (`processed_at`, churn). Archivable;
 * a legacy delete leaves no trace (the spec gives them no `deleted_at`).
 */
import type { Body } from '../store.js';
import { link, type ResourceModel, selfLinks, type ValidationErrors } from './model.js';
import { updatedAfter } from './timeline.js';
import { keyUser } from './users.js';

const FILES: readonly { filename: string; description: string | null }[] = [
  { filename: 'referral-letter.pdf', description: 'GP referral' },
  { filename: 'xray-report.pdf', description: 'X-ray report' },
  { filename: 'mri-left-knee.jpg', description: 'MRI, left knee' },
  { filename: 'insurance-card.png', description: null },
  { filename: 'consent-form-signed.pdf', description: 'Signed consent' },
  { filename: 'exercise-program.docx', description: 'Home exercise program' },
];

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export const patientAttachments: ResourceModel = {
  name: 'patient_attachments',
  filters: {
    archived_at: 'datetime',
    content_type: 'string',
    created_at: 'datetime',
    description: 'string',
    filename: 'string',
    id: 'integer',
    patient_id: 'integer',
    processed_at: 'datetime',
    size: 'integer',
    updated_at: 'datetime',
    user_id: 'integer',
  },
  foreignKeys: { patient_id: 'patient', user_id: 'user' },
  archivable: true,
  cancellable: false,
  deletable: true,
  deleteLeaves: 'nothing',
  feeds: {},
  writable: {
    patient_id: { kind: 'link', resource: 'patients', as: 'patient' },
    description: { kind: 'string', nullable: true },
    filename: { kind: 'string', nullable: true },
    content_type: { kind: 'string', nullable: true },
    size: { kind: 'integer', nullable: true },
  },
  required: ['patient_id', 'filename'],
  expand: (input) => fromUploadUrl(input),
  blank: (id, ctx) => ({
    id,
    archived_at: null,
    content_type: null,
    description: null,
    filename: null,
    patient: null,
    pinned_at: null,
    processed_at: null,
    processing_completed: false,
    size: null,
    user: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('patient_attachments', id),
  }),
  finish(body, ctx): ValidationErrors | undefined {
    if (body.user === null) body.user = keyUser(ctx);
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const patient = ctx.pick('patients');
    const user = ctx.pick('users');
    if (!patient) return undefined;
    const file = ctx.random.pick(FILES);
    const processed = ctx.random.chance(0.95);
    const updatedAt = updatedAfter(createdAt, ctx);
    const body: Body = {
      ...patientAttachments.blank(id, ctx),
      content_type: contentTypeOf(file.filename),
      description: file.description,
      filename: file.filename,
      patient: link('patients', patient),
      pinned_at: ctx.random.chance(0.1) ? createdAt : null,
      processed_at: processed ? updatedAt : null,
      processing_completed: processed,
      size: ctx.random.int(20, 4000) * 1024 + ctx.random.int(0, 1023),
      user: user ? link('users', user) : null,
      created_at: createdAt,
      updated_at: updatedAt,
    };
    return body;
  },
};

export function contentTypeOf(filename: string): string | null {
  return CONTENT_TYPES[filename.slice(filename.lastIndexOf('.') + 1).toLowerCase()] ?? null;
}

/** Cliniko's `upload_url` request field as the attachment's file name, type and a size. */
function fromUploadUrl(input: Body): { input: Body } | { errors: ValidationErrors } {
  const { upload_url: url, ...rest } = input;
  if (url === undefined) return { input: rest };
  if (typeof url !== 'string' || !URL.canParse(url)) return { errors: { upload_url: 'is invalid' } };
  const path = new URL(url).pathname;
  const filename = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || 'upload';
  // The simulator never fetches the file; its size is made up from the URL.
  let hash = 0;
  for (const char of url) hash = (hash * 31 + char.charCodeAt(0)) % 4_000_000;
  return { input: { filename, content_type: contentTypeOf(filename), size: 10_240 + hash, ...rest } };
}
