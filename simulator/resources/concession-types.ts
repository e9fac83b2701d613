/** Concession types (pensioner, student …): reference data the API only reads. */
import { nextEntry } from './catalogue.js';
import { type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

const NAMES = ['Pensioner', 'Student', 'Health Care Card', 'Veteran'];

export const concessionTypes: ResourceModel = {
  name: 'concession_types',
  filters: { created_at: 'datetime', id: 'integer', updated_at: 'datetime' },
  foreignKeys: {},
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: {},
  writes: { create: false, update: false },
  writable: { name: { kind: 'string' } },
  required: ['name'],
  blank: (id, ctx) => ({
    id,
    name: '',
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('concession_types', id),
  }),
  generate(id, ctx, createdAt) {
    return {
      ...concessionTypes.blank(id, ctx),
      name: nextEntry(ctx, 'concession_types', NAMES),
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};
