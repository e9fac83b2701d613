/** Medical alerts: a short named warning on a patient. */
import { link, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

const ALERTS = [
  'Penicillin allergy',
  'Latex allergy',
  'Pacemaker',
  'Type 1 diabetes',
  'Asthma',
  'Anticoagulants',
];

export const medicalAlerts: ResourceModel = {
  name: 'medical_alerts',
  filters: {
    archived_at: 'datetime',
    created_at: 'datetime',
    deleted_at: 'datetime',
    id: 'integer',
    patient_id: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: { patient_id: 'patient' },
  archivable: true,
  cancellable: false,
  deletable: true,
  feeds: { deleted: true },
  writable: { name: { kind: 'string' }, patient_id: { kind: 'link', resource: 'patients', as: 'patient' } },
  required: ['name', 'patient_id'],
  blank: (id, ctx) => ({
    created_at: ctx.now,
    id,
    name: '',
    updated_at: ctx.now,
    archived_at: null,
    deleted_at: null,
    patient: null,
    links: selfLinks('medical_alerts', id),
  }),
  generate(id, ctx, createdAt) {
    const patient = ctx.pick('patients');
    if (!patient) return undefined;
    return {
      ...medicalAlerts.blank(id, ctx),
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
      name: ctx.random.pick(ALERTS),
      patient: link('patients', patient),
    };
  },
};
