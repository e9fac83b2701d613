/**
 * The writing side of a chaos scenario: applies workload operations to the simulator through its
 * Cliniko API (as a clinic's staff would), moves the simulated clock, and drives the simulator's
 * fault and late-commit controls. Knows which records exist from the simulator's changelog.
 *
 * Late commits are kept within the contract the bridge promises to honour: the clock is never moved
 * more than the overlap past a write that is not visible yet (the bridge re-reads only that far back).
 */
import type { ClinikoClient } from '../../shared/cliniko/client.js';
import type { ClinikoRecord } from '../../shared/engine/ports.js';
import { BridgeError } from '../../shared/errors.js';
import type { StreamDefinition } from '../../shared/streams.js';
import type { ControllableClock, RunningSimulator } from '../../simulator/index.js';
import { CHAOS_STREAMS, type Op, type SimFaults } from './scenario.js';

type WriteOp = Exclude<Op, { kind: 'poll' } | { kind: 'outage' }>;

export class Workload {
  private readonly live = new Map<string, string[]>();
  private seq = 0;
  private counter = 0;
  /** Late-commit delay in force for writes until the next poll (0 = none). */
  private lateMs = 0;
  /** Real time by which every late write is visible, and the earliest `updated_at` still hidden. */
  private hiddenUntil = 0;
  private hiddenSince: number | undefined;

  /** The streams written through the backdoor (the further streams of the scenario). */
  private readonly extras: readonly StreamDefinition[];

  constructor(
    private readonly sim: RunningSimulator,
    private readonly clock: ControllableClock,
    private readonly client: ClinikoClient,
    private readonly overlapSeconds: number,
    private readonly streams: readonly StreamDefinition[],
  ) {
    this.extras = streams.filter((s) => !(CHAOS_STREAMS as readonly string[]).includes(s.name));
  }

  async load(): Promise<void> {
    await this.clearFaults();
    for (const stream of this.streams) {
      // Records deleted with a trace are listed too (revealed), but nobody edits them any more.
      const records = (await this.listAll(stream)).filter((r) => !isSet(r.deleted_at));
      this.live.set(
        stream.name,
        records.map((r) => r.id),
      );
    }
    this.seq = this.sim.changes().at(-1)?.seq ?? 0;
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** Every record of a stream, hidden ones included, as the API returns it now (faults must be off). */
  async listAll(stream: StreamDefinition): Promise<ClinikoRecord[]> {
    const out: ClinikoRecord[] = [];
    const query = { filters: stream.revealFilters, perPage: 100, sort: 'id' };
    for await (const page of this.client.listPages(stream.path, stream.arrayKey, query)) {
      out.push(...page.records);
    }
    return out;
  }

  async apply(op: WriteOp): Promise<void> {
    switch (op.kind) {
      case 'advance':
        await this.advance(op.seconds);
        return;
      case 'late':
        this.lateMs = op.ms;
        await this.control('POST', '/__sim/faults', { lateCommitMs: op.ms });
        return;
      case 'churn':
        this.sim.churn(op.steps);
        this.noteWrite();
        break;
      case 'create':
        for (let i = 0; i < op.count; i++) await this.create(op.stream);
        break;
      case 'burst':
        for (let i = 0; i < op.size; i++) {
          const pick = this.pick(op.stream, i * 7 + op.size);
          if (i % 2 === 0 || pick === undefined) await this.create(op.stream);
          else await this.write('PATCH', `/${op.stream}/${pick}`, { notes: this.value() });
        }
        break;
      case 'update': {
        const id = this.pick(op.stream, op.pick);
        for (let i = 0; id !== undefined && i < op.times; i++) {
          await this.write('PATCH', `/${op.stream}/${id}`, { notes: this.value() });
        }
        break;
      }
      case 'archive':
      case 'unarchive': {
        const id = this.pick(op.stream, op.pick);
        if (id !== undefined) await this.write('POST', `/${op.stream}/${id}/${op.kind}`);
        break;
      }
      case 'delete': {
        const id = this.pick(op.stream, op.pick);
        if (id !== undefined) await this.write('DELETE', `/${op.stream}/${id}`);
        break;
      }
      case 'cancel': {
        const id = this.pick('individual_appointments', op.pick);
        const body = { cancellation_reason: 50, cancellation_note: 'Chaos cancellation' };
        if (id !== undefined) await this.write('PATCH', `/individual_appointments/${id}/cancel`, body);
        break;
      }
      case 'plant':
      case 'edit':
      case 'flip':
        await this.applyExtra(op);
        break;
    }
    this.syncLive();
  }

  /** A write to a further stream through the backdoor: plant records, edit one, change its lifecycle. */
  private async applyExtra(op: Extract<WriteOp, { kind: 'plant' | 'edit' | 'flip' }>): Promise<void> {
    const stream = this.extras[op.extra % Math.max(1, this.extras.length)];
    if (stream === undefined) return;
    const records = `/__sim/records/${stream.name}`;
    if (op.kind === 'plant') {
      for (let i = 0; i < op.count; i++) await this.backdoor('POST', records, {});
      return;
    }
    const id = this.pick(stream.name, op.pick);
    if (id === undefined) return;
    if (op.kind === 'edit') {
      this.counter += 1;
      await this.backdoor('PATCH', `${records}/${id}`, { set: editOf(stream.name, this.counter) });
      return;
    }
    if (op.change === 'delete' || op.change === 'vanish') {
      const trace = op.change === 'delete' && stream.lifecycle.includes('deleted_at') ? 'deleted_at' : 'none';
      await this.backdoor('DELETE', `${records}/${id}?trace=${trace}`);
      return;
    }
    if (!stream.lifecycle.includes('archived_at')) return;
    const archived = await this.isArchived(stream, id);
    // Only real transitions: archiving an archived record again would be an edit of archived_at.
    if (archived === undefined || archived === (op.change === 'archive')) return;
    const at =
      op.change === 'archive' ? new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
    await this.backdoor('PATCH', `${records}/${id}`, { set: { archived_at: at }, touchUpdatedAt: op.touch });
  }

  /** A backdoor write; a 400 or 404 (a record gone meanwhile) is the simulator saying no, not a failure. */
  private async backdoor(method: string, path: string, body?: unknown): Promise<void> {
    try {
      const response = await fetch(`${this.sim.origin}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      await response.arrayBuffer();
      if (!response.ok && response.status !== 400 && response.status !== 404) {
        throw new Error(`simulator backdoor ${method} answered ${response.status}`);
      }
    } finally {
      this.noteWrite();
    }
  }

  /** Whether a record is archived now (`undefined` when it is gone). */
  async isArchived(stream: StreamDefinition, id: string): Promise<boolean | undefined> {
    try {
      const { record } = await this.client.get(`${stream.path}/${id}`, stream.revealFilters);
      return typeof record.archived_at === 'string' && record.archived_at !== '';
    } catch (error) {
      if (error instanceof BridgeError) return undefined;
      throw error;
    }
  }

  /** Archives or restores a record through the API, as staff would. */
  async setArchived(stream: string, id: string, archived: boolean): Promise<void> {
    await this.write('POST', `/${stream}/${id}/${archived ? 'archive' : 'unarchive'}`);
    this.syncLive();
  }

  /** Unique values, so no edit ever reverts a record to content it had before. */
  private value(): string {
    this.counter += 1;
    return `chaos note ${this.counter}`;
  }

  private pick(stream: string, n: number): string | undefined {
    const ids = this.live.get(stream) ?? [];
    return ids.length === 0 ? undefined : ids[n % ids.length];
  }

  private async create(stream: 'patients' | 'contacts'): Promise<void> {
    this.counter += 1;
    await this.write('POST', `/${stream}`, { first_name: 'Chaos', last_name: `Record ${this.counter}` });
  }

  private async write(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<void> {
    try {
      await this.client.send(method, path, body);
    } catch (error) {
      // 422 (already cancelled) and 404 (archived appointment) are Cliniko saying no, not a test failure.
      if (!(error instanceof BridgeError)) throw error;
    } finally {
      // After the reply: the simulator counts the delay from its commit, which a loaded machine can
      // put well after the request left.
      this.noteWrite();
    }
  }

  /** Remembers a write made under a late-commit delay. */
  private noteWrite(): void {
    if (this.lateMs <= 0) return;
    this.hiddenUntil = Math.max(this.hiddenUntil, Date.now() + this.lateMs + 5);
    this.hiddenSince ??= this.clock.now();
  }

  private syncLive(): void {
    for (const change of this.sim.changes(this.seq)) {
      const ids = this.live.get(change.resource);
      if (ids === undefined) continue;
      if (change.action === 'created' && !ids.includes(change.id)) ids.push(change.id);
      if (change.action === 'deleted')
        this.live.set(
          change.resource,
          ids.filter((id) => id !== change.id),
        );
      this.seq = change.seq;
    }
    this.seq = this.sim.changes().at(-1)?.seq ?? this.seq;
  }

  private async advance(seconds: number): Promise<void> {
    const since = this.hiddenSince;
    if (since !== undefined && this.clock.now() + seconds * 1000 > since + this.overlapSeconds * 1000) {
      await this.waitForLateWrites();
    }
    this.clock.advance(seconds);
  }

  /** Waits (real time) until every late write is visible. */
  async waitForLateWrites(): Promise<void> {
    const wait = this.hiddenUntil - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.hiddenSince = undefined;
  }

  /** Ends the late-commit period before a poll; returns whether every write is already visible. */
  async endLateWrites(): Promise<boolean> {
    if (this.lateMs > 0) {
      this.lateMs = 0;
      await this.control('POST', '/__sim/faults', { lateCommitMs: 0 });
    }
    const visible = Date.now() >= this.hiddenUntil;
    if (visible) this.hiddenSince = undefined;
    return visible;
  }

  async setFaults(faults: SimFaults): Promise<void> {
    if (Object.keys(faults).length > 0) await this.control('POST', '/__sim/faults', faults);
  }

  clearFaults(): Promise<void> {
    return this.control('DELETE', '/__sim/faults');
  }

  private async control(method: string, path: string, body?: unknown): Promise<void> {
    const response = await fetch(`${this.sim.origin}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`simulator control ${method} ${path} answered ${response.status}`);
    await response.arrayBuffer();
  }
}

/**
 * An edit of a further stream's record: a field of its own (never a derived one), to a value no
 * earlier edit gave it.
 */
function editOf(stream: string, n: number): Record<string, unknown> {
  const note = `chaos note ${n}`;
  switch (stream) {
    case 'availability_blocks':
      return { ends_at: new Date(Date.UTC(2027, 0, 1, 18) + n * 60_000).toISOString().replace('.000Z', 'Z') };
    case 'concession_prices':
      return { price: `${n}.50` };
    case 'patient_attachments':
      return { description: note };
    case 'communications':
      return { content: note };
    default:
      return { [EDIT_FIELD[stream] ?? 'name']: note };
  }
}

/** A free-text field of each further stream (from the 2023 spec's fields). */
const EDIT_FIELD: Readonly<Record<string, string>> = {
  unavailable_blocks: 'notes',
  daily_availabilities: 'time_zone',
  practitioner_reference_numbers: 'reference_number',
  patient_cases: 'notes',
  referral_sources: 'notes',
  products: 'notes',
  stock_adjustments: 'comment',
  users: 'last_name',
  invoice_items: 'name',
  billable_items: 'name',
};

const isSet = (value: unknown) => typeof value === 'string' && value !== '';
