/**
 * The one write path of the simulator, used by the HTTP API and by churn alike, so every change gets
 * an `updated_at` from the simulated clock (unless a quirk says the real API leaves it alone) and
 * exactly one changelog entry (plus one for a group appointment whose `patient_ids` an attendee
 * change alters).
 */
import { formatTimestamp, type SimClock } from './clock.js';
import { type DerivedChange, followingChanges, noteInvoice } from './derived-fields.js';
import type { QuirkSet } from './quirks.js';
import {
  applyInput,
  linkedId,
  type ResourceModel,
  type ValidationErrors,
  type WriteContext,
} from './resources/model.js';
import type { Account, Body, ChangeAction, Json, Store } from './store.js';

export type WriteResult =
  | { readonly kind: 'ok'; readonly body: Body }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'invalid'; readonly errors: ValidationErrors };

/** Cliniko's cancellation reason codes. */
export const CANCELLATION_REASONS: Readonly<Record<number, string>> = {
  10: 'Feeling better',
  20: 'Condition worse',
  30: 'Sick',
  31: 'COVID-19 related',
  40: 'Away',
  50: 'Other',
  60: 'Work',
};

const NOT_FOUND = { kind: 'not_found' } as const;

export class Writer {
  /** The last hidden instant handed out, so writes within one second get increasing instants. */
  private lastSecond = Number.NaN;
  private lastMicros = -1;

  constructor(
    private readonly store: Store,
    private readonly clock: SimClock,
    private readonly quirks: QuirkSet,
  ) {}

  context(account: Account): WriteContext {
    const nowMs = this.clock.now();
    return { account, now: formatTimestamp(nowMs), nowMs };
  }

  create(account: Account, model: ResourceModel, input: Body): WriteResult {
    const ctx = this.context(account);
    const id = account.ids.next();
    const result = applyInput(model, model.blank(id, ctx), input, ctx, true);
    if ('errors' in result) return { kind: 'invalid', errors: result.errors };
    return this.commit(account, model, result.body, 'created', ctx);
  }

  /** Commits a fully built new record (churn's generated records). */
  insert(account: Account, model: ResourceModel, body: Body): WriteResult {
    return this.commit(account, model, body, 'created', this.context(account));
  }

  update(account: Account, model: ResourceModel, id: string, input: Body): WriteResult {
    const current = account.current(model.name, id);
    if (!current) return NOT_FOUND;
    const ctx = this.context(account);
    const result = applyInput(model, current, input, ctx, false);
    if ('errors' in result) return { kind: 'invalid', errors: result.errors };
    return this.commit(account, model, result.body, 'updated', ctx);
  }

  /** A background job's touch: `updated_at` moves, nothing else changes (`touch-without-change`). */
  touch(account: Account, model: ResourceModel, id: string): WriteResult {
    const current = account.current(model.name, id);
    if (!current) return NOT_FOUND;
    return this.commit(account, model, current, 'updated', this.context(account));
  }

  /** Archives (idempotent: archiving an archived record changes nothing). `extra` carries merge fields. */
  archive(account: Account, model: ResourceModel, id: string, extra: Body = {}): WriteResult {
    const current = account.current(model.name, id);
    if (!current || !model.archivable) return NOT_FOUND;
    if (current.archived_at) return { kind: 'ok', body: current };
    const ctx = this.context(account);
    const body = { ...current, ...extra, archived_at: ctx.now };
    return this.commit(account, model, body, 'archived', ctx, this.lifecycleTouches());
  }

  unarchive(account: Account, model: ResourceModel, id: string): WriteResult {
    const current = account.current(model.name, id);
    if (!current || !model.archivable) return NOT_FOUND;
    if (!current.archived_at) return { kind: 'ok', body: current };
    const ctx = this.context(account);
    return this.commit(
      account,
      model,
      { ...current, archived_at: null },
      'restored',
      ctx,
      this.lifecycleTouches(),
    );
  }

  cancel(account: Account, model: ResourceModel, id: string, input: Body): WriteResult {
    const current = account.current(model.name, id);
    if (!current || !model.cancellable) return NOT_FOUND;
    const reason = input.cancellation_reason;
    const description = typeof reason === 'number' ? CANCELLATION_REASONS[reason] : undefined;
    if (reason === undefined || reason === null || reason === '') {
      return { kind: 'invalid', errors: { cancellation_reason: "can't be blank" } };
    }
    if (!description)
      return { kind: 'invalid', errors: { cancellation_reason: 'is not included in the list' } };
    const note = input.cancellation_note;
    if (note !== undefined && note !== null && typeof note !== 'string') {
      return { kind: 'invalid', errors: { cancellation_note: 'is invalid' } };
    }
    if (current.cancelled_at)
      return { kind: 'invalid', errors: { base: 'Appointment has already been cancelled' } };
    const ctx = this.context(account);
    const body: Body = {
      ...current,
      cancelled_at: ctx.now,
      cancellation_reason: reason,
      cancellation_reason_description: description,
      cancellation_note: typeof note === 'string' ? note : null,
    };
    return this.commit(account, model, body, 'cancelled', ctx, this.lifecycleTouches());
  }

  /** Sets `deleted_at`, or makes the record vanish where it has no such field (`deleteLeaves`). */
  delete(account: Account, model: ResourceModel, id: string): WriteResult {
    const current = account.current(model.name, id);
    if (!current || !model.deletable) return NOT_FOUND;
    const ctx = this.context(account);
    if (model.deleteLeaves === 'nothing')
      return this.commit(account, model, current, 'deleted', ctx, false, true);
    return this.commit(
      account,
      model,
      { ...current, deleted_at: ctx.now },
      'deleted',
      ctx,
      this.lifecycleTouches(),
    );
  }

  /** Whether an archive, unarchive, cancel or delete moves `updated_at` (see `lifecycle-keeps-updated-at`). */
  lifecycleTouches(): boolean {
    return !this.quirks.has('lifecycle-keeps-updated-at');
  }

  /**
   * Commits a body prepared elsewhere (the test backdoor) through the same stamping and hooks as
   * every write; `vanish` deletes the record without a trace.
   */
  commitPrepared(
    account: Account,
    model: ResourceModel,
    body: Body,
    action: ChangeAction,
    options: { readonly touch: boolean; readonly vanish?: boolean },
  ): WriteResult {
    return this.commit(account, model, body, action, this.context(account), options.touch, options.vanish);
  }

  /**
   * Commits `body`; `touch` stamps `updated_at` with now and a fresh hidden instant, otherwise both
   * stay as the record had them.
   */
  private commit(
    account: Account,
    model: ResourceModel,
    body: Body,
    action: ChangeAction,
    ctx: WriteContext,
    touch = true,
    vanish = false,
  ): WriteResult {
    const stamped: Body = touch ? { ...body, updated_at: ctx.now } : body;
    const before = account.latest(model.name, String(body.id));
    const subsecond = touch ? this.nextInstant(ctx.nowMs) : (before?.subsecond ?? 0);
    this.store.commit(account, model.name, stamped, action, { at: ctx.now, subsecond, vanish });
    const gone = vanish || Boolean(stamped.deleted_at);
    if (model.name === 'attendees') this.syncGroupPatients(account, stamped, gone, ctx);
    this.followSources(account, model.name, before?.body, stamped, gone);
    return { kind: 'ok', body: stamped };
  }

  /**
   * Derived fields of other records that follow this write (see `derived-fields.ts`): only with
   * `derived-field-drift` do they change now; otherwise at those records' own next write.
   */
  private followSources(
    account: Account,
    resource: string,
    before: Body | undefined,
    after: Body,
    gone: boolean,
  ) {
    const changes: DerivedChange[] = [];
    if (resource === 'invoices') {
      // Always noted, so an appointment's own write shows its invoice's current status.
      const change = noteInvoice(account, after, gone);
      if (change) changes.push(change);
    }
    if (!this.quirks.has('derived-field-drift')) return;
    changes.push(...followingChanges(account, resource, before, after));
    for (const change of changes) {
      const current = account.latest(change.resource, change.id)?.body;
      const differs =
        current && Object.entries(change.fields).some(([field, value]) => current[field] !== value);
      if (current && differs) this.store.drift(account, change.resource, { ...current, ...change.fields });
    }
  }

  /**
   * Microseconds within the second of `nowMs` for a write stamped now: the clock's own fraction, or
   * just after the previous write of the same second (a frozen clock still orders its writes).
   */
  private nextInstant(nowMs: number): number {
    const second = Math.floor(nowMs / 1000);
    const micros = Math.floor((nowMs - second * 1000) * 1000);
    const next =
      second === this.lastSecond ? Math.min(999_999, Math.max(micros, this.lastMicros + 1)) : micros;
    this.lastSecond = second;
    this.lastMicros = next;
    return next;
  }

  /**
   * A group appointment lists the patients of its active attendees in `patient_ids`: judged by the
   * attendee's state after the write, so a later edit of a cancelled attendee does not bring it back.
   */
  private syncGroupPatients(account: Account, attendee: Body, gone: boolean, ctx: WriteContext): void {
    const bookingId = linkedId(attendee.booking);
    const patientId = linkedId(attendee.patient);
    const group = bookingId ? account.current('group_appointments', bookingId) : undefined;
    if (!group || !patientId) return;
    const ids = Array.isArray(group.patient_ids)
      ? group.patient_ids.filter((v): v is string => typeof v === 'string')
      : [];
    const leaving = gone || Boolean(attendee.cancelled_at) || Boolean(attendee.archived_at);
    const next: Json[] = leaving
      ? ids.filter((p) => p !== patientId)
      : ids.includes(patientId)
        ? ids
        : [...ids, patientId];
    if (next.length === ids.length) return;
    const body: Body = { ...group, patient_ids: next, updated_at: ctx.now };
    this.store.commit(account, 'group_appointments', body, 'updated', {
      at: ctx.now,
      subsecond: this.nextInstant(ctx.nowMs),
    });
  }
}
