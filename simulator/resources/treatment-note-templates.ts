/**
 * Treatment note templates: the sections and questions of a practitioner's notes. Archivable and
 * legacy-deletable (`deleted_at`, with the old docs' `/deleted` feed).
 */
import { nextEntry } from './catalogue.js';
import { type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

const TEMPLATES: readonly { name: string; sections: Record<string, string[]> }[] = [
  { name: 'Standard Consultation', sections: { Subjective: ['Presenting complaint'], Plan: ['Next step'] } },
  {
    name: 'Initial Assessment',
    sections: {
      History: ['Presenting complaint', 'Past history'],
      Assessment: ['Findings'],
      Plan: ['Goals'],
    },
  },
  { name: 'Review', sections: { Progress: ['Patient progress report', 'Pain score'] } },
  { name: 'Telehealth Consultation', sections: { Consultation: ['Summary'], Plan: ['Home program'] } },
];

export const treatmentNoteTemplates: ResourceModel = {
  name: 'treatment_note_templates',
  filters: {
    archived_at: 'datetime',
    created_at: 'datetime',
    deleted_at: 'datetime',
    id: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: {},
  archivable: true,
  cancellable: false,
  deletable: true,
  feeds: { deleted: true },
  writable: {
    name: { kind: 'string' },
    content: { kind: 'object' },
    print_settings: { kind: 'object', nullable: true },
  },
  required: ['name'],
  blank: (id, ctx) => ({
    id,
    archived_at: null,
    content: { sections: [] },
    name: '',
    print_settings: null,
    deleted_at: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('treatment_note_templates', id),
  }),
  generate(id, ctx, createdAt) {
    const template = nextEntry(ctx, 'treatment_note_templates', TEMPLATES);
    const r = ctx.random;
    return {
      ...treatmentNoteTemplates.blank(id, ctx),
      content: {
        sections: Object.entries(template.sections).map(([name, questions]) => ({
          name,
          questions: questions.map((question) => ({ name: question, type: 'paragraph' })),
        })),
      },
      name: template.name,
      print_settings: r.chance(0.7)
        ? {
            title: template.name,
            include_patient_address: r.chance(0.5),
            include_patient_dob: true,
            include_patient_medicare: r.chance(0.3),
            include_patient_occupation: r.chance(0.3),
            include_patient_reference_number: r.chance(0.2),
          }
        : null,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};
