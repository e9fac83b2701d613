/**
 * Wiring for the engine's component tests: the real `syncAccount` over the real `ClinikoClient`
 * talking HTTP to the in-process simulator (frozen clock), the DynamoDB state store on dynalite
 * (wrapped so a chosen call can fail once) and the recording publisher. Writes go through the
 * simulator's Cliniko API, as clinic staff would make them.
 */
import { ClinikoClient } from '../../../shared/cliniko/client.js';
import { TokenBucket } from '../../../shared/cliniko/token-bucket.js';
import type {
  ClinikoReader,
  EventPublisher,
  ListPage,
  ListQuery,
  StateStore,
} from '../../../shared/engine/ports.js';
import type { SyncReport } from '../../../shared/engine/report.js';
import { type SyncDeps, syncAccount } from '../../../shared/engine/sync.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import { DynamoDbStateStore } from '../../../shared/state/dynamodb-state-store.js';
import {
  ControllableClock,
  type Quirk,
  type RunningSimulator,
  startSimulator,
} from '../../../simulator/index.js';
import { api, control, type JsonReply } from '../../simulator/sim-client.js';
import { TEST_KEYS } from '../../support/content-keys.js';
import type { LocalStateTable } from '../../support/dynalite.js';
import { FaultPlan, withFaults } from '../../support/fault-plan.js';
import { RecordingPublisher } from '../../support/recording-publisher.js';
import { CapturingLogger, syncOptions, type TestSyncOverrides } from './sync-harness.js';

const USER_AGENT = 'Bridge component tests (component-tests@example.com)';
const tinySleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 1)));

/** Thrown in place of a state store call, like a process dying at that point. */
export class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

/** The engine's view of the client, recording every list query and running a hook before each. */
export class HookedReader implements ClinikoReader {
  readonly queries: { readonly path: string; readonly query: ListQuery }[] = [];
  beforeList: ((path: string, query: ListQuery) => Promise<void>) | undefined;

  constructor(private readonly inner: ClinikoReader) {}

  async listPage(path: string, arrayKey: string, query: ListQuery): Promise<ListPage> {
    this.queries.push({ path, query });
    await this.beforeList?.(path, query);
    return this.inner.listPage(path, arrayKey, query);
  }

  /** List requests that asked for a page beyond the first (the engine must page by keyset). */
  deepPages(): number {
    return this.queries.filter((q) => q.query.page !== undefined && q.query.page !== 1).length;
  }
}

export interface WorldOptions {
  readonly account: string;
  readonly patients?: number;
  readonly appointments?: number;
  readonly sync?: TestSyncOverrides;
  /** Cliniko quirks the simulator starts with. @default none */
  readonly quirks?: readonly Quirk[];
}

/** One simulated clinic and one bridge watching it. */
export class ComponentWorld {
  /** Faults for the state store and the publisher below (test/support/fault-plan.ts). */
  readonly stateFaults = new FaultPlan<StateStore>();
  readonly publisherFaults = new FaultPlan<EventPublisher>();
  readonly publisher = withFaults(new RecordingPublisher(), this.publisherFaults);
  readonly logger = new CapturingLogger();
  readonly state: StateStore;
  readonly reader: HookedReader;
  readonly account: string;

  private constructor(
    readonly sim: RunningSimulator,
    readonly clock: ControllableClock,
    readonly client: ClinikoClient,
    table: LocalStateTable,
    private readonly options: WorldOptions,
  ) {
    this.state = withFaults<StateStore>(
      new DynamoDbStateStore({ client: table.client, tableName: table.tableName, sleep: tinySleep }),
      this.stateFaults,
    );
    this.reader = new HookedReader(client);
    this.account = options.account;
  }

  static async start(table: LocalStateTable, options: WorldOptions): Promise<ComponentWorld> {
    const clock = new ControllableClock();
    clock.set(Date.parse('2026-05-04T08:00:00Z'));
    const sim = await startSimulator({
      seed: 7,
      patients: options.patients ?? 3,
      appointments: options.appointments ?? 3,
      rateLimitPerMinute: 1_000_000,
      clock,
      ...(options.quirks ? { quirks: options.quirks } : {}),
    });
    const client = new ClinikoClient({
      apiKey: sim.apiKeys[0] ?? '',
      userAgent: USER_AGENT,
      baseUrl: sim.baseUrl,
      bucket: new TokenBucket({ ratePerMinute: 1_000_000, capacity: 1_000_000, sleep: tinySleep }),
      sleep: tinySleep,
      // The simulated clock is the local clock too, so its Date headers are believed.
      now: () => clock.now(),
      backoffBaseMs: 1,
      backoffCapMs: 2,
    });
    return new ComponentWorld(sim, clock, client, table, options);
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.sim.close();
  }

  /** One run, as the scheduler would start it. */
  poll(overrides: TestSyncOverrides = {}, deps: Partial<SyncDeps> = {}): Promise<SyncReport> {
    return syncAccount(
      {
        cliniko: this.reader,
        keys: TEST_KEYS,
        state: this.state,
        publisher: this.publisher,
        logger: this.logger,
        now: () => this.clock.now(),
        ...deps,
      },
      syncOptions({ account: this.account, ...this.options.sync, ...overrides }),
    );
  }

  /** Events of one record, in delivery order. */
  eventsOf(recordId: string): ChangeEvent[] {
    return this.publisher.events.filter((e) => e.detail.recordId === recordId);
  }

  /** `<action>` of each event of one record, in delivery order. */
  actionsOf(recordId: string): string[] {
    return this.eventsOf(recordId).map((e) => e.detail.type.split('.')[1] ?? '');
  }

  /** A Cliniko API write; fails the test unless the simulator accepted it. */
  async write(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<JsonReply> {
    const reply = await api(this.sim, method, path, body);
    if (reply.status >= 300) throw new Error(`${method} ${path} answered ${reply.status}`);
    return reply;
  }

  /** Creates a record and returns its id. */
  async create(stream: string, body: Readonly<Record<string, unknown>>): Promise<string> {
    return String((await this.write('POST', `/${stream}`, body)).body.id);
  }

  /** Creates an individual appointment for `patientId` with the clinic's first practitioner, type and business. */
  async createAppointment(patientId: string): Promise<string> {
    const first = async (stream: string) => {
      const reply = await api(this.sim, 'GET', `/${stream}`);
      const list = reply.body[stream];
      return Array.isArray(list) ? String((list[0] as { id?: unknown } | undefined)?.id) : '';
    };
    return this.create('individual_appointments', {
      patient_id: patientId,
      practitioner_id: await first('practitioners'),
      appointment_type_id: await first('appointment_types'),
      business_id: await first('businesses'),
      starts_at: '2026-12-01T01:00:00Z',
    });
  }

  /** Waits (real time, a few seconds at most) until a late-committed record is visible. */
  async visible(path: string): Promise<void> {
    for (let tries = 0; (await api(this.sim, 'GET', path)).status !== 200; tries++) {
      if (tries > 100) throw new Error(`${path} never became visible`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A backdoor change (`/__sim/records`): fields set with or without moving `updated_at`. */
  async plant(
    stream: string,
    id: string,
    set: Readonly<Record<string, unknown>>,
    touchUpdatedAt: boolean,
  ): Promise<void> {
    const reply = await control(this.sim, 'PATCH', `records/${stream}/${id}`, { set, touchUpdatedAt });
    if (reply.status !== 200) throw new Error(`backdoor PATCH ${stream}/${id} answered ${reply.status}`);
  }

  /** A backdoor delete: leaving a `deleted_at`, or no trace at all. */
  async remove(stream: string, id: string, trace: 'deleted_at' | 'none'): Promise<void> {
    const reply = await control(this.sim, 'DELETE', `records/${stream}/${id}?trace=${trace}`);
    if (reply.status !== 204) throw new Error(`backdoor DELETE ${stream}/${id} answered ${reply.status}`);
  }

  /** The simulator's time as Cliniko stamps it. */
  stamp(): string {
    return `${new Date(Math.floor(this.clock.now() / 1000) * 1000).toISOString().slice(0, 19)}Z`;
  }

  async faults(settings: Readonly<Record<string, number>>): Promise<void> {
    const reply = await control(this.sim, 'POST', 'faults', settings);
    if (reply.status !== 200) throw new Error(`setting simulator faults answered ${reply.status}`);
  }
}

/** Every id the simulator's API lists for a stream now, hidden records included. */
export async function listedIds(
  world: ComponentWorld,
  path: string,
  reveal: readonly string[],
): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of world.client.listPages(path, path.slice(1), { filters: reveal, sort: 'id' })) {
    ids.push(...page.records.map((r) => r.id));
  }
  return ids;
}
