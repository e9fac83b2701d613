/**
 * Background changes that make a simulated clinic feel alive: new patients and bookings, edits,
 * reschedules, cancellations, archives, merges, legacy deletes, group attendees, paid invoices and
 * treatment notes, the resources of running the practice (`churn-practice.ts`), and, with
 * `touch-without-change`, touches of any resource. Seeded, and applied through the same write path
 * as the API.
 */

import { type Mutation, PracticeChurn } from './churn-practice.js';
import { formatTimestamp, type SimClock } from './clock.js';
import { mergePatients, mergeRefusal } from './merges.js';
import type { Quirk, QuirkSet } from './quirks.js';
import { Random } from './random.js';
import type { GenerateContext } from './resources/model.js';
import { findModel, MODELS } from './resources/registry.js';
import { noteContent } from './resources/treatment-notes.js';
import type { Account, Store } from './store.js';
import { phoneNumber } from './vocabulary.js';
import type { Writer } from './writes.js';

/** A weighted kind of change; one that models a quirk happens only while that quirk is on. */
type Weighted = readonly [weight: number, mutate: Mutation, quirk?: Quirk];

const TICK_MIN_MS = 20;
const TICK_MAX_MS = 1000;

export class Churn {
  private readonly random: Random;
  private rate = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private carry = 0;
  private readonly mutations: readonly Weighted[];

  constructor(
    private readonly store: Store,
    private readonly writer: Writer,
    private readonly clock: SimClock,
    private readonly quirks: QuirkSet,
    seed: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.random = new Random(seed, 4);
    const practice = new PracticeChurn(writer, this.random);
    this.mutations = [
      [8, (a, c) => this.create(a, c, 'patients')],
      [14, (a, c) => this.editPatient(a, c)],
      [14, (a, c) => this.create(a, c, 'individual_appointments')],
      [8, (a, c) => this.reschedule(a, c)],
      [6, (a, c) => this.cancel(a, c, 'individual_appointments')],
      [2, (a, c) => this.cancel(a, c, 'attendees')],
      [5, (a, c) => this.create(a, c, 'attendees')],
      [6, (a, c) => this.payInvoice(a, c)],
      [4, (a, c) => this.createInvoice(a, c, practice)],
      [7, (a, c) => this.create(a, c, 'treatment_notes')],
      [3, (a, c) => this.editNote(a, c)],
      [3, (a, c) => this.create(a, c, 'medical_alerts')],
      [2, (a, c) => this.archive(a, c, 'patients')],
      [1, (a, c) => this.unarchive(a, c, 'patients')],
      [1, (a, c) => this.merge(a, c)],
      [2, (a, c) => this.archive(a, c, 'individual_appointments')],
      [
        2,
        (a, c) =>
          this.remove(
            a,
            c,
            this.random.pick(['individual_appointments', 'medical_alerts', 'treatment_notes']),
          ),
      ],
      [1, (a, c) => this.create(a, c, 'group_appointments')],
      [2, (a, c) => this.editContact(a, c)],
      ...practice.mutations(),
      // Cliniko's background jobs may touch a record without changing it (ISSUE #232).
      [8, (a, c) => this.touch(a, c), 'touch-without-change'],
    ];
  }

  get perMinute(): number {
    return this.rate;
  }

  setRate(perMinute: number): void {
    this.rate = perMinute;
    this.stop();
    if (perMinute <= 0 || this.store.accounts.length === 0) return;
    const period = Math.min(TICK_MAX_MS, Math.max(TICK_MIN_MS, 60_000 / perMinute));
    this.lastTick = this.realNow();
    this.carry = 0;
    this.timer = setInterval(() => this.tick(), period);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Applies `steps` changes now; returns how many produced a write. */
  run(steps: number): number {
    let applied = 0;
    for (let i = 0; i < steps; i++) if (this.step()) applied++;
    return applied;
  }

  private tick(): void {
    const now = this.realNow();
    const due = ((now - this.lastTick) * this.rate) / 60_000 + this.carry;
    this.lastTick = now;
    const steps = Math.min(Math.floor(due), 10_000);
    this.carry = due - Math.floor(due);
    this.run(steps);
  }

  private step(): boolean {
    const account = this.random.pick(this.store.accounts);
    const nowMs = this.clock.now();
    const ctx: GenerateContext = {
      account,
      now: formatTimestamp(nowMs),
      nowMs,
      random: this.random,
      pick: (resource) => account.table(resource).pickLive(this.random),
    };
    // With no quirk on this is the original list, so the same seed keeps making the same changes.
    const mutations = this.mutations.filter(([, , quirk]) => quirk === undefined || this.quirks.has(quirk));
    const total = mutations.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.random.int(1, total);
    for (const [weight, mutate] of mutations) {
      roll -= weight;
      if (roll <= 0) return mutate(account, ctx);
    }
    return false;
  }

  private create(account: Account, ctx: GenerateContext, resource: string): boolean {
    const model = findModel(resource);
    const body = model?.generate(account.ids.next(), ctx, ctx.now);
    if (!model || !body) return false;
    return this.writer.insert(account, model, body).kind === 'ok';
  }

  private edit(
    account: Account,
    resource: string,
    id: string | undefined,
    input: Record<string, string | number | boolean | null | object>,
  ): boolean {
    const model = findModel(resource);
    if (!model || !id) return false;
    return this.writer.update(account, model, id, JSON.parse(JSON.stringify(input))).kind === 'ok';
  }

  /** A new invoice, written with its line. */
  private createInvoice(account: Account, ctx: GenerateContext, practice: PracticeChurn): boolean {
    const model = findModel('invoices');
    const body = model?.generate(account.ids.next(), ctx, ctx.now);
    if (!model || !body) return false;
    const written = this.writer.insert(account, model, body);
    return written.kind === 'ok' && practice.invoiceLines(account, ctx, written.body);
  }

  private editPatient(account: Account, ctx: GenerateContext): boolean {
    const id = ctx.pick('patients');
    const r = this.random;
    const choice = r.int(0, 2);
    if (choice === 0)
      return this.edit(account, 'patients', id, {
        patient_phone_numbers: [{ phone_type: 'Mobile', number: phoneNumber(r) }],
      });
    if (choice === 1)
      return this.edit(account, 'patients', id, { email: `updated${r.int(1, 99_999)}@example.com` });
    return this.edit(account, 'patients', id, {
      notes: r.pick(['Moved house.', 'Prefers SMS reminders.', 'New insurer.']),
    });
  }

  private editContact(account: Account, ctx: GenerateContext): boolean {
    return this.edit(account, 'contacts', ctx.pick('contacts'), {
      phone_numbers: [{ phone_type: 'Work', number: phoneNumber(this.random) }],
    });
  }

  private editNote(account: Account, ctx: GenerateContext): boolean {
    return this.edit(account, 'treatment_notes', ctx.pick('treatment_notes'), {
      draft: false,
      content: noteContent('Updated after review.') as object,
    });
  }

  private reschedule(account: Account, ctx: GenerateContext): boolean {
    const id = ctx.pick('individual_appointments');
    const current = id ? account.current('individual_appointments', id) : undefined;
    if (!current || current.cancelled_at) return false;
    const shift = this.random.pick([-1, 1, 2, 7]) * 86_400_000 + this.random.pick([0, 3_600_000]);
    const starts = Date.parse(String(current.starts_at)) + shift;
    const ends = Date.parse(String(current.ends_at)) + shift;
    return this.edit(account, 'individual_appointments', id, {
      starts_at: formatTimestamp(starts),
      ends_at: formatTimestamp(ends),
    });
  }

  private cancel(account: Account, ctx: GenerateContext, resource: string): boolean {
    const model = findModel(resource);
    const id = ctx.pick(resource);
    if (!model || !id || account.current(resource, id)?.cancelled_at) return false;
    const input = {
      cancellation_reason: this.random.pick([10, 20, 30, 40, 50, 60]),
      cancellation_note: 'Called the clinic',
    };
    return this.writer.cancel(account, model, id, input).kind === 'ok';
  }

  private payInvoice(account: Account, ctx: GenerateContext): boolean {
    const id = ctx.pick('invoices');
    if (!id || account.current('invoices', id)?.status !== 10) return false;
    return this.edit(account, 'invoices', id, { status: 20 });
  }

  private archive(account: Account, ctx: GenerateContext, resource: string): boolean {
    const model = findModel(resource);
    const id = ctx.pick(resource);
    if (!model || !id || account.current(resource, id)?.archived_at) return false;
    return this.writer.archive(account, model, id).kind === 'ok';
  }

  private unarchive(account: Account, ctx: GenerateContext, resource: string): boolean {
    const model = findModel(resource);
    for (let tries = 0; model && tries < 20; tries++) {
      const id = ctx.pick(resource);
      const current = id ? account.current(resource, id) : undefined;
      if (id && current?.archived_at && !current.merged_at)
        return this.writer.unarchive(account, model, id).kind === 'ok';
    }
    return false;
  }

  /** A merge leaves the merged-away patient archived, pointing at the one it was merged into. */
  private merge(account: Account, ctx: GenerateContext): boolean {
    const from = ctx.pick('patients');
    const into = ctx.pick('patients');
    if (!from || !into || mergeRefusal(account, from, into) !== undefined) return false;
    return mergePatients(this.writer, account, from, into).kind === 'ok';
  }

  /** A background job bumps `updated_at` of any record, its content unchanged. */
  private touch(account: Account, ctx: GenerateContext): boolean {
    const model = this.random.pick(MODELS);
    const id = ctx.pick(model.name);
    return id !== undefined && this.writer.touch(account, model, id).kind === 'ok';
  }

  private remove(account: Account, ctx: GenerateContext, resource: string): boolean {
    const model = findModel(resource);
    const id = ctx.pick(resource);
    if (!model || !id) return false;
    return this.writer.delete(account, model, id).kind === 'ok';
  }
}
