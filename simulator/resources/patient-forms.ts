/**
 * Patient forms: a form sent to a patient, usually for a booking (its attendee), completed by the
 * patient online. No archive or delete in the 2023 spec. `POST` takes Cliniko's request-only
 * fields: `patient_form_template_id` (name, content and restriction come from the template unless
 * given) and `completed` (sets or clears `completed_at`).
 */
import { formatTimestamp } from '../clock.js';
import type { Random } from '../random.js';
import type { Body, Json } from '../store.js';
import {
  appUrl,
  link,
  linkedId,
  type ResourceModel,
  selfLinks,
  type ValidationErrors,
  type WriteContext,
} from './model.js';

const ID = /^\d{1,19}$/;

export const patientForms: ResourceModel = {
  name: 'patient_forms',
  filters: {
    attendee_id: 'integer',
    completed_at: 'datetime',
    created_at: 'datetime',
    id: 'integer',
    patient_id: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: { attendee_id: 'attendee', patient_id: 'patient' },
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: {},
  writable: {
    patient_id: { kind: 'link', resource: 'patients', as: 'patient' },
    attendee_id: { kind: 'link', resource: 'attendees', as: 'attendee' },
    name: { kind: 'string' },
    content: { kind: 'object', nullable: true },
    completed_at: { kind: 'datetime', nullable: true },
    email_to_patient_on_completion: { kind: 'boolean', nullable: true },
    restricted_to_practitioner: { kind: 'boolean', nullable: true },
  },
  required: ['patient_id', 'name'],
  expand: (input, ctx) => expandRequest(input, ctx),
  blank: (id, ctx) => ({
    id,
    attendee: null,
    booking: null,
    completed_at: null,
    content: { sections: [] },
    email_to_patient_on_completion: false,
    name: '',
    patient: null,
    restricted_to_practitioner: false,
    signatures: null,
    url: appUrl(ctx, `f/${id.slice(-12)}`),
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('patient_forms', id),
  }),
  finish(body, ctx): ValidationErrors | undefined {
    const attendeeId = linkedId(body.attendee);
    const attendee = attendeeId ? ctx.account.current('attendees', attendeeId) : undefined;
    // A form for a booking belongs to the attendee's patient and links the attendee's booking.
    body.booking = attendee?.booking ?? null;
    if (attendee && linkedId(attendee.patient) !== linkedId(body.patient))
      return { attendee: "must belong to the form's patient" };
    body.signatures = body.completed_at ? link('patient_forms', String(body.id), '/signatures') : null;
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const attendeeId = ctx.pick('attendees');
    const attendee = attendeeId ? ctx.account.current('attendees', attendeeId) : undefined;
    const templateId = ctx.pick('patient_form_templates');
    const template = templateId ? ctx.account.current('patient_form_templates', templateId) : undefined;
    if (!attendeeId || !attendee?.patient || !template) return undefined;
    // Sent when the booking was made, or later.
    const sentAt = formatTimestamp(Math.max(Date.parse(String(attendee.created_at)), Date.parse(createdAt)));
    const body: Body = {
      ...patientForms.blank(id, ctx),
      ...fromTemplate(template),
      attendee: link('attendees', attendeeId),
      booking: attendee.booking ?? null,
      patient: attendee.patient,
      created_at: sentAt,
      updated_at: sentAt,
    };
    return body;
  },
};

/** The fields a form takes from its template. */
export function fromTemplate(template: Body): Body {
  return {
    name: template.name ?? '',
    content: structuredClone(template.content ?? null),
    email_to_patient_on_completion: template.email_to_patient_on_completion ?? false,
    restricted_to_practitioner: template.restricted_to_practitioner ?? false,
  };
}

/** A completed form's content: every question answered (made-up answers). */
export function answered(content: Json | undefined, random: Random): Json {
  if (content === null || typeof content !== 'object' || Array.isArray(content)) return content ?? null;
  const sections = Array.isArray(content.sections) ? content.sections : [];
  return {
    sections: sections.map((section) => {
      if (section === null || typeof section !== 'object' || Array.isArray(section)) return section;
      const questions = Array.isArray(section.questions) ? section.questions : [];
      return { ...section, questions: questions.map((question) => answer(question, random)) };
    }),
  };
}

function answer(question: Json, random: Random): Json {
  if (question === null || typeof question !== 'object' || Array.isArray(question)) return question;
  if (Array.isArray(question.answers)) {
    const chosen = random.int(0, question.answers.length - 1);
    const several = question.type === 'checkboxes';
    return {
      ...question,
      answers: question.answers.map((option, i) =>
        option !== null &&
        typeof option === 'object' &&
        !Array.isArray(option) &&
        (i === chosen || (several && random.chance(0.3)))
          ? { ...option, selected: true }
          : option,
      ),
    };
  }
  const text =
    question.type === 'paragraph'
      ? random.pick(['No major illnesses.', 'Knee surgery in 2019.', 'Nothing to add.'])
      : random.pick(['None', 'Paracetamol as needed', '0491 570 110']);
  return { ...question, answer: text };
}

/** `patient_form_template_id` and `completed` as record fields. */
function expandRequest(input: Body, ctx: WriteContext): { input: Body } | { errors: ValidationErrors } {
  const { patient_form_template_id: templateId, completed, ...rest } = input;
  let out: Body = rest;
  if (templateId !== undefined && templateId !== null) {
    const id = typeof templateId === 'number' ? String(templateId) : templateId;
    const template =
      typeof id === 'string' && ID.test(id) ? ctx.account.current('patient_form_templates', id) : undefined;
    if (!template) return { errors: { patient_form_template: 'must exist' } };
    out = { ...fromTemplate(template), ...rest };
  }
  if (completed !== undefined) {
    if (typeof completed !== 'boolean') return { errors: { completed: 'is invalid' } };
    out = { ...out, completed_at: completed ? ctx.now : null };
  }
  return { input: out };
}
