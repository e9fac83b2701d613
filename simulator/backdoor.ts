/**
 * The test backdoor under `/__sim/records/` (not part of Cliniko; no auth, like every `/__sim/`
 * route): creates, changes and deletes records in ways the Cliniko API cannot on demand — a
 * lifecycle timestamp set without moving `updated_at`, a practitioner deactivated, a delete that
 * leaves no trace. Nothing is validated beyond field names, but every change goes through the one
 * write path, so it is stamped, visible, and logged with the action it amounts to.
 *
 *   POST   /__sim/records/<resource>[?account=ID]          {field: value, …}        → 201 the record
 *   PATCH  /__sim/records/<resource>/<id>[?account=ID]     {"set":{…},"touchUpdatedAt":bool} → 200 the record
 *   DELETE /__sim/records/<resource>/<id>?trace=deleted_at|none[&account=ID]        → 204
 *   POST   /__sim/records/patients/<id>/merge[?account=ID]  {"into":"<id>"}        → 200 the merged-away patient
 */
import type { ControlResponse } from './control.js';
import { mergePatients, mergeRefusal } from './merges.js';
import { keyedRandom } from './random.js';
import { type GenerateContext, link, type ResourceModel } from './resources/model.js';
import { findModel, findView, MODELS } from './resources/registry.js';
import type { Account, Body, ChangeAction, Json, Store } from './store.js';
import type { WriteResult, Writer } from './writes.js';

export const BACKDOOR_PREFIX = '/__sim/records/';

const ID = /^\d{1,19}$/;
/** Stream of `keyedRandom` for the filler values of planted records. */
const FILLER_STREAM = 9;

const bad = (message: string): ControlResponse => ({ status: 400, json: { message } });
const missing = (message: string): ControlResponse => ({ status: 404, json: { message } });

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function handleBackdoor(
  deps: { readonly store: Store; readonly writer: Writer },
  method: string,
  path: string,
  url: URL,
  body: unknown,
): ControlResponse {
  const [resource = '', id, ...rest] = path.slice(BACKDOOR_PREFIX.length).split('/');
  const accountId = url.searchParams.get('account') ?? deps.store.accounts[0]?.id ?? '';
  const account = deps.store.accounts.find((a) => a.id === accountId);
  if (!account) {
    return missing(
      `No account "${accountId}". Accounts: ${deps.store.accounts.map((a) => a.id).join(', ')}.`,
    );
  }
  const view = findView(resource);
  if (view && id === undefined) {
    return bad(`${view.name} is a view over ${view.sources.join(', ')}; create one of those instead.`);
  }
  // A view's records change as the record of the resource that holds the id.
  const model = view
    ? view.sources.map(findModel).find((m) => m && account.latest(m.name, id ?? ''))
    : findModel(resource);
  if (!model && view) return missing(`No ${view.name} record ${id ?? ''}.`);
  if (!model)
    return missing(`No resource "${resource}". Resources: ${MODELS.map((m) => m.name).join(', ')}.`);
  const backdoor = new Backdoor(deps.writer, account, model);
  if (id === undefined && method === 'POST') return backdoor.create(body);
  if (id !== undefined && ID.test(id) && rest.length === 0) {
    if (method === 'PATCH') return backdoor.set(id, body);
    if (method === 'DELETE') return backdoor.erase(id, url.searchParams.get('trace') ?? 'deleted_at');
  }
  if (model.name === 'patients' && id !== undefined && rest.join('/') === 'merge' && method === 'POST') {
    return merge(deps.writer, account, id, body);
  }
  return missing(`No simulator control route ${method} ${path}.`);
}

/** `{"into":"<id>"}`: merges the patient into another one, as Cliniko's merge leaves it. */
function merge(writer: Writer, account: Account, from: string, body: unknown): ControlResponse {
  const into = isObject(body) ? body.into : undefined;
  if (typeof into !== 'string' || !ID.test(into)) return bad('Send {"into":"<id of the patient to keep>"}.');
  const refusal = mergeRefusal(account, from, into);
  if (refusal !== undefined) return bad(refusal);
  const result = mergePatients(writer, account, from, into);
  return result.kind === 'ok' ? { status: 200, json: result.body } : bad('The patient could not be merged.');
}

class Backdoor {
  constructor(
    private readonly writer: Writer,
    private readonly account: Account,
    private readonly model: ResourceModel,
  ) {}

  /** A record built like a generated one, with the given fields on top. */
  create(fields: unknown): ControlResponse {
    if (!isObject(fields)) return bad('Send a JSON object of the fields to set, e.g. {"first_name":"Ada"}.');
    const { id: wanted, ...rest } = fields;
    if (wanted !== undefined && (typeof wanted !== 'string' || !ID.test(wanted))) {
      return bad('id must be a string of 1 to 19 digits.');
    }
    if (wanted !== undefined && this.account.table(this.model.name).records.has(wanted)) {
      return bad(`A ${this.model.name} record with id ${wanted} already exists.`);
    }
    const id = wanted ?? this.account.ids.next();
    if (wanted !== undefined) this.account.ids.reserve(wanted);
    const ctx = this.writer.context(this.account);
    const given = this.fieldsOf(rest, id);
    if (typeof given === 'string') return bad(given);
    const random = keyedRandom(id, FILLER_STREAM);
    const generate: GenerateContext = {
      ...ctx,
      random,
      pick: (resource) => this.account.table(resource).pickLive(random),
    };
    const filled: Body = {
      ...(this.model.generate(id, generate, ctx.now) ?? this.model.blank(id, ctx)),
      created_at: ctx.now,
      updated_at: ctx.now,
      ...given,
    };
    // Derived fields (patient_name, ends_at …) follow the given links; then the given values win.
    this.model.finish?.(filled, ctx);
    const body = { ...filled, ...given };
    return this.reply(
      201,
      this.writer.commitPrepared(this.account, this.model, body, 'created', { touch: false }),
    );
  }

  /** `{"set":{…},"touchUpdatedAt":true|false}` (touchUpdatedAt defaults to true, as a write does). */
  set(id: string, request: unknown): ControlResponse {
    const usage = 'Send {"set":{"field":value, …},"touchUpdatedAt":true|false}.';
    if (!isObject(request) || !isObject(request.set)) return bad(usage);
    const { set, touchUpdatedAt = true, ...other } = request;
    if (Object.keys(other).length > 0 || typeof touchUpdatedAt !== 'boolean') return bad(usage);
    const before = this.account.latest(this.model.name, id);
    if (!before) return missing(`No ${this.model.name} record ${id}.`);
    if ('id' in set) return bad('id cannot be changed.');
    const given = this.fieldsOf(set, id);
    if (typeof given === 'string') return bad(given);
    const after: Body = { ...before.body, ...given };
    const action = actionOf(before.body, after);
    const result = this.writer.commitPrepared(this.account, this.model, after, action, {
      touch: touchUpdatedAt,
    });
    return this.reply(200, result);
  }

  /** `trace=deleted_at` deletes like the API does; `trace=none` leaves nothing behind. */
  erase(id: string, trace: string): ControlResponse {
    if (trace !== 'deleted_at' && trace !== 'none') return bad('trace must be deleted_at or none.');
    if (trace === 'deleted_at' && this.model.deleteLeaves === 'nothing')
      return bad(`${this.model.name} records have no deleted_at; use trace=none.`);
    const latest = this.account.latest(this.model.name, id);
    if (!latest || (trace === 'deleted_at' && latest.deleted))
      return missing(`No ${this.model.name} record ${id}.`);
    const result =
      trace === 'none'
        ? this.writer.commitPrepared(this.account, this.model, latest.body, 'deleted', {
            touch: false,
            vanish: true,
          })
        : this.writer.commitPrepared(
            this.account,
            this.model,
            { ...latest.body, deleted_at: this.writer.context(this.account).now },
            'deleted',
            { touch: this.writer.lifecycleTouches() },
          );
    return result.kind === 'ok' ? { status: 204 } : missing(`No ${this.model.name} record ${id}.`);
  }

  /**
   * The given fields as record fields: names must be fields of the resource (or a writable link's
   * `<name>_id`, which becomes the link); values are taken as they are.
   */
  private fieldsOf(fields: Record<string, unknown>, id: string): Body | string {
    const known = new Set(Object.keys(this.model.blank(id, this.writer.context(this.account))));
    const out: Body = {};
    const unknown: string[] = [];
    for (const [name, value] of Object.entries(fields)) {
      const spec = this.model.writable[name];
      if (spec?.kind === 'link') {
        const target = typeof value === 'number' ? String(value) : value;
        if (target !== null && (typeof target !== 'string' || !ID.test(target))) {
          return `${name} must be a record id (or null).`;
        }
        out[spec.as] = target === null ? null : link(spec.path ?? spec.resource, target);
      } else if (known.has(name)) {
        // JSON.parse only ever produces JSON values.
        out[name] = value as Json;
      } else {
        unknown.push(name);
      }
    }
    if (unknown.length > 0)
      return `Unknown field${unknown.length === 1 ? '' : 's'} of ${this.model.name}: ${unknown.join(', ')}.`;
    return out;
  }

  private reply(status: 200 | 201, result: WriteResult): ControlResponse {
    return result.kind === 'ok' ? { status, json: result.body } : bad('The record could not be written.');
  }
}

const isSet = (value: Json | undefined): boolean => value !== undefined && value !== null && value !== '';

/** What a change amounts to, the most telling transition first. */
export function actionOf(before: Body, after: Body): ChangeAction {
  const became = (field: string) => !isSet(before[field]) && isSet(after[field]);
  if (became('deleted_at')) return 'deleted';
  if (became('archived_at')) return 'archived';
  if (became('cancelled_at')) return 'cancelled';
  if (isSet(before.archived_at) && !isSet(after.archived_at)) return 'restored';
  return 'updated';
}
