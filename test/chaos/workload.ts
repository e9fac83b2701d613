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
import type { Op, SimFaults } from './scenario.js';

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

  constructor(
    private readonly sim: RunningSimulator,
    private readonly clock: ControllableClock,
    private readonly client: ClinikoClient,
    private readonly overlapSeconds: number,
    private readonly streams: readonly StreamDefinition[],
  ) {}

  async load(): Promise<void> {
    await this.clearFaults();
    for (const stream of this.streams) {
      const records = await this.listAll(stream);
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
    }
    this.syncLive();
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
