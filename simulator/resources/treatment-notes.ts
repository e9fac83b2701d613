/** Treatment notes: `content` must be an object of sections (Cliniko answers 422 otherwise). */

import type { Json } from '../store.js';
import { NOTES } from '../vocabulary.js';
import { link, type ResourceModel, recordRandom, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

export function noteContent(answer: string): Json {
  return {
    sections: [
      {
        name: 'Assessment',
        questions: [
          { name: 'Patient progress report', type: 'paragraph', answer: `<div>${answer}</div>` },
          { name: 'Pain score', type: 'text', answer: String(answer.length % 10) },
        ],
      },
      {
        name: 'Plan',
        questions: [
          {
            name: 'Next step',
            type: 'radiobuttons',
            answers: [{ value: 'Review in 1 week', selected: true }, { value: 'Discharge' }],
          },
        ],
      },
    ],
  };
}

export const treatmentNotes: ResourceModel = {
  name: 'treatment_notes',
  filters: {
    archived_at: 'datetime',
    attendee_id: 'integer',
    booking_id: 'integer',
    created_at: 'datetime',
    deleted_at: 'datetime',
    draft: 'boolean',
    id: 'integer',
    patient_id: 'integer',
    practitioner_id: 'integer',
    treatment_note_template_id: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: {
    attendee_id: 'attendee',
    booking_id: 'booking',
    patient_id: 'patient',
    practitioner_id: 'practitioner',
    treatment_note_template_id: 'treatment_note_template',
  },
  archivable: true,
  cancellable: false,
  deletable: true,
  feeds: { deleted: true },
  writable: {
    patient_id: { kind: 'link', resource: 'patients', as: 'patient' },
    practitioner_id: { kind: 'link', resource: 'practitioners', as: 'practitioner' },
    booking_id: { kind: 'link', resource: 'individual_appointments', as: 'booking', path: 'bookings' },
    title: { kind: 'string' },
    draft: { kind: 'boolean' },
    content: { kind: 'object' },
  },
  required: ['patient_id', 'title'],
  blank: (id, ctx) => ({
    id,
    created_at: ctx.now,
    updated_at: ctx.now,
    archived_at: null,
    content: { sections: [] },
    draft: true,
    title: '',
    deleted_at: null,
    author_name: '',
    finalized_at: null,
    pinned_at: null,
    patient: null,
    practitioner: null,
    booking: null,
    attendee: null,
    treatment_note_template: null,
    links: selfLinks('treatment_notes', id),
  }),
  generate(id, ctx, createdAt) {
    const patient = ctx.pick('patients');
    const practitioner = ctx.pick('practitioners');
    if (!patient || !practitioner) return undefined;
    const author = ctx.account.current('practitioners', practitioner);
    const draft = ctx.random.chance(0.2);
    return {
      ...treatmentNotes.blank(id, ctx),
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
      content: noteContent(ctx.random.pick(NOTES) || 'Reviewed home exercises.'),
      draft,
      title: ctx.random.pick(['Standard Consultation', 'Initial Assessment', 'Review']),
      author_name: author ? String(author.label) : '',
      finalized_at: draft ? null : createdAt,
      pinned_at: recordRandom(id).chance(0.1) ? createdAt : null,
      patient: link('patients', patient),
      practitioner: link('practitioners', practitioner),
      treatment_note_template: link('treatment_note_templates', ctx.random.digits(18)),
    };
  },
};
