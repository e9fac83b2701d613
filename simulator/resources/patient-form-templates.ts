/**
 * Patient form templates: the questions a clinic sends patients (intake, consent). Archivable;
 * a patient form copies its template's name and content when it is created.
 */
import type { Json } from '../store.js';
import { nextEntry } from './catalogue.js';
import { type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

interface Question {
  readonly name: string;
  readonly type: 'paragraph' | 'text' | 'checkboxes' | 'radiobuttons';
  readonly options?: readonly string[];
}

const TEMPLATES: readonly { name: string; restricted: boolean; sections: Record<string, Question[]> }[] = [
  {
    name: 'New Patient Intake',
    restricted: true,
    sections: {
      'Medical history': [
        { name: 'Please describe your medical history.', type: 'paragraph' },
        { name: 'Current medications', type: 'text' },
      ],
      'Current condition': [
        {
          name: 'Which of these symptoms do you have?',
          type: 'checkboxes',
          options: ['Pain at rest', 'Pain on movement', 'Stiffness', 'Numbness'],
        },
      ],
    },
  },
  {
    name: 'Consent to treatment',
    restricted: false,
    sections: {
      Consent: [
        { name: 'I consent to assessment and treatment.', type: 'radiobuttons', options: ['Yes', 'No'] },
      ],
    },
  },
  {
    name: 'Telehealth consent',
    restricted: false,
    sections: {
      Telehealth: [
        {
          name: 'I have a private space for the consultation.',
          type: 'radiobuttons',
          options: ['Yes', 'No'],
        },
        { name: 'Best phone number if the call drops', type: 'text' },
      ],
    },
  },
  {
    name: 'Progress questionnaire',
    restricted: true,
    sections: {
      Progress: [
        {
          name: 'How is your pain compared with your last visit?',
          type: 'radiobuttons',
          options: ['Better', 'Same', 'Worse'],
        },
        { name: 'Anything else we should know?', type: 'paragraph' },
      ],
    },
  },
];

/** A template's content: sections of questions, without answers. */
function contentOf(sections: Record<string, Question[]>): Json {
  return {
    sections: Object.entries(sections).map(([name, questions]) => ({
      name,
      questions: questions.map((q) => ({
        name: q.name,
        type: q.type,
        required: q.type !== 'paragraph',
        ...(q.options ? { answers: q.options.map((value) => ({ value })) } : {}),
      })),
    })),
  };
}

export const patientFormTemplates: ResourceModel = {
  name: 'patient_form_templates',
  filters: { archived_at: 'datetime', created_at: 'datetime', id: 'integer', updated_at: 'datetime' },
  foreignKeys: {},
  archivable: true,
  cancellable: false,
  deletable: false,
  feeds: {},
  writable: {
    name: { kind: 'string' },
    content: { kind: 'object', nullable: true },
    email_to_patient_on_completion: { kind: 'boolean', nullable: true },
    restricted_to_practitioner: { kind: 'boolean', nullable: true },
  },
  required: ['name'],
  blank: (id, ctx) => ({
    id,
    archived_at: null,
    content: { sections: [] },
    email_to_patient_on_completion: false,
    name: '',
    restricted_to_practitioner: false,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('patient_form_templates', id),
  }),
  generate(id, ctx, createdAt) {
    const template = nextEntry(ctx, 'patient_form_templates', TEMPLATES);
    return {
      ...patientFormTemplates.blank(id, ctx),
      content: contentOf(template.sections),
      email_to_patient_on_completion: ctx.random.chance(0.5),
      name: template.name,
      restricted_to_practitioner: template.restricted,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};
