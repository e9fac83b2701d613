/**
 * One chaos scenario, played for real: the simulator over HTTP (its own clock, frozen and moved by
 * the workload), the real `ClinikoClient` with near-zero retry sleeps, the real engine, a state store
 * (dynalite over the DynamoDB protocol, or the in-memory one) and a publisher, both wrapped to fail
 * on command. `play()` runs the workload, `finish()` clears the faults, lets the bridge catch up and
 * returns what the oracle found.
 */
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { TokenBucket } from '../../shared/cliniko/token-bucket.js';
import { recordRound } from '../../shared/engine/poll-loop.js';
import {
  DEFAULT_PLANNER_SETTINGS,
  type DuePoll,
  PollPlanner,
  plannedStreamOf,
} from '../../shared/engine/poll-planner.js';
import type { StateStore } from '../../shared/engine/ports.js';
import type { SyncReport } from '../../shared/engine/report.js';
import {
  AccountSession,
  type SyncDeps,
  type SyncOptions,
  skippedReport,
  syncAccount,
  withSettings,
} from '../../shared/engine/sync.js';
import { BridgeError, StaleWriteError } from '../../shared/errors.js';
import { DEFAULT_EVENT_OPTIONS } from '../../shared/events/build.js';
import { findStream, type StreamDefinition } from '../../shared/streams.js';
import {
  ControllableClock,
  type Quirk,
  type RunningSimulator,
  startSimulator,
} from '../../simulator/index.js';
import { TEST_KEYS } from '../support/content-keys.js';
import { ChaosPublisher, ChaosRun, ChaosStateStore, Stall } from './chaos-ports.js';
import { type Observation, seenOf } from './oracle.js';
import {
  CHAOS_PAGE_SIZE,
  CHAOS_STREAMS,
  type Op,
  type PollPlan,
  pollFaultKinds,
  simFaultKinds,
} from './scenario.js';
import { Workload } from './workload.js';

export const USER_AGENT = 'Chaos Tests (chaos-tests@example.test)';

/** Engine timing for chaos runs: short intervals so feeds and reconciliation run often. */
export const CHAOS_TIMING = {
  overlapSeconds: 20,
  settleSeconds: 5,
  deletedFeedIntervalSeconds: 30,
  reconcileIntervalSeconds: 120,
  leaseTtlMs: 30_000,
} as const;

const tinySleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 1)));

/** How one run of a poll is set up (see `PollPlan`). */
interface RunSetup {
  readonly state?: ChaosStateStore;
  readonly owner?: string;
  readonly cutAfterMs?: number;
  readonly reconcileBudget?: number;
}

export interface WorldOptions {
  readonly simSeed: number;
  /** Simulator quirks in force throughout. */
  readonly quirks: readonly Quirk[];
  /** Streams polled besides `CHAOS_STREAMS`, written through the backdoor. */
  readonly extraStreams: readonly string[];
  readonly account: string;
  readonly state: StateStore;
  readonly countFault: (kind: string) => void;
  /** Replaces the publisher (the oracle's own tests plant a faulty bridge this way). */
  readonly publisher?: ChaosPublisher;
  /**
   * Polls as the adaptive loop does: each poll runs one round of the streams the planner says are
   * due (lifecycle passes only when theirs are), the planner living across the scenario's polls.
   * The initial backfill and the final catch-up poll every stream, as a new worker's first round.
   */
  readonly planned?: boolean;
}

export class ChaosWorld {
  readonly streams: readonly StreamDefinition[];
  readonly publisher: ChaosPublisher;
  readonly state: ChaosStateStore;
  readonly observations: Observation[] = [];
  readonly violations: string[] = [];
  /** What happened, op by op: ops, poll outcomes and deliveries, written out when a scenario fails. */
  readonly log: string[] = [];
  /** Archives runs staged (and may have published), with `delivered.length` at the time. */
  readonly stagedArchives: { readonly key: string; readonly at: number }[] = [];
  /** Ids of events delivered during a poll in which a run failed: the bridge may not remember them. */
  readonly unconfirmed = new Set<string>();
  polls = 0;
  private outagePolls = 0;
  /** The record `stir` changed while a writer slept, and whether it was archived before. */
  private stirred: { readonly stream: string; readonly id: string; readonly archived: boolean } | undefined;
  /** A run stalled past its lease by an earlier poll, waiting to be woken (see `startSleeper`). */
  private sleeper:
    | { readonly stall: Stall; readonly settled: Promise<PromiseSettledResult<SyncReport>> }
    | undefined;
  /** The simulator's last change before the workload began (after the initial backfill). */
  private startSeq = 0;
  /** With `planned`: the planner, and the polls of the last planned round (`undefined`: all streams, in full). */
  private planner: PollPlanner | undefined;
  private plannedPolls: readonly DuePoll[] | undefined;
  /** Set while the initial backfill and the catch-up run: every stream, in full. */
  private full = true;

  private constructor(
    private readonly sim: RunningSimulator,
    private readonly clock: ControllableClock,
    readonly engineClient: ClinikoClient,
    private readonly workload: Workload,
    private readonly options: WorldOptions,
    /** How far the engine's local clock is off the simulator's `Date` headers in the current poll. */
    private readonly skew: { ms: number },
  ) {
    this.streams = chaosStreams(options.extraStreams);
    this.state = new ChaosStateStore(options.state);
    this.state.onStagedArchive = (stream, id) =>
      this.stagedArchives.push({ key: `${stream}/${id}`, at: this.publisher.delivered.length });
    this.publisher = options.publisher ?? new ChaosPublisher();
  }

  static async start(options: WorldOptions): Promise<ChaosWorld> {
    const clock = new ControllableClock();
    clock.set(Date.parse('2026-06-01T09:00:00Z'));
    const sim = await startSimulator({
      seed: options.simSeed,
      patients: 8,
      appointments: 12,
      rateLimitPerMinute: 1_000_000,
      clock,
      quirks: options.quirks,
    });
    const client = (now: () => number) =>
      new ClinikoClient({
        apiKey: sim.apiKeys[0] ?? '',
        userAgent: USER_AGENT,
        baseUrl: sim.baseUrl,
        bucket: new TokenBucket({ ratePerMinute: 1_000_000, capacity: 1_000_000, sleep: tinySleep }),
        sleep: tinySleep,
        now,
        backoffBaseMs: 1,
        backoffCapMs: 2,
      });
    const streams = chaosStreams(options.extraStreams);
    const workload = new Workload(
      sim,
      clock,
      client(() => clock.now()),
      CHAOS_TIMING.overlapSeconds,
      streams,
    );
    // The engine's local clock: the simulated one, shifted for polls whose plan skews it.
    const skew = { ms: 0 };
    const world = new ChaosWorld(
      sim,
      clock,
      client(() => clock.now() + skew.ms),
      workload,
      options,
      skew,
    );
    await workload.load();
    return world;
  }

  async close(): Promise<void> {
    await this.wakeSleeper();
    await this.engineClient.close();
    await this.workload.close();
    await this.sim.close();
  }

  /** Plays the workload; an initial clean backfill first, so every record starts with an event. */
  async play(ops: readonly Op[]): Promise<void> {
    await this.poll({ sim: {}, ports: {}, overlapping: false });
    this.startSeq = this.sim.changes().at(-1)?.seq ?? 0;
    this.full = this.options.planned !== true;
    for (const op of ops) {
      if (op.kind === 'poll') await this.poll(op.plan);
      else if (op.kind === 'outage') {
        this.outage(op.polls);
        this.log.push(JSON.stringify(op));
      } else {
        const seq = this.sim.changes().at(-1)?.seq ?? 0;
        await this.workload.apply(op);
        const changes = this.sim.changes(seq).map((c) => `${c.resource}/${c.id} ${c.action} ${c.updated_at}`);
        this.log.push(
          `${JSON.stringify(op)} clock=${new Date(this.clock.now()).toISOString()} → ${changes.join('; ')}`,
        );
      }
    }
  }

  private sync(run: RunSetup = {}): Promise<SyncReport> {
    const started = Date.now();
    // A deadline is real time: the simulated clock stands still while the run works.
    const now =
      run.cutAfterMs === undefined ? () => this.clock.now() : () => this.clock.now() + (Date.now() - started);
    const deps = {
      cliniko: this.engineClient,
      keys: TEST_KEYS,
      state: run.state ?? this.state,
      publisher: this.publisher,
      logger: silentLogger,
      now,
      ...(run.owner ? { owner: run.owner } : {}),
    };
    const options = {
      account: this.options.account,
      streams: withSettings(this.streams, DEFAULT_EVENT_OPTIONS),
      startFrom: 'beginning' as const,
      ...CHAOS_TIMING,
      pageSize: CHAOS_PAGE_SIZE,
      deadlineMarginMs: 0,
      ...(run.cutAfterMs === undefined ? {} : { deadline: now() + run.cutAfterMs }),
      ...(run.reconcileBudget === undefined ? {} : { reconcileRequestsPerRun: run.reconcileBudget }),
    };
    if (this.full) {
      this.plannedPolls = undefined;
      return syncAccount(deps, options);
    }
    return this.plannedRound(deps, options);
  }

  /** One round of the due streams, as the adaptive loop runs it (`pollLoop`), under its own lease. */
  private async plannedRound(deps: SyncDeps, options: SyncOptions): Promise<SyncReport> {
    const now = deps.now ?? Date.now;
    this.planner ??= new PollPlanner(this.streams.map(plannedStreamOf), DEFAULT_PLANNER_SETTINGS, now());
    const planner = this.planner;
    const polls = planner.due(now());
    this.plannedPolls = polls;
    // Nothing due: the loop sleeps (no lease taken, nothing done).
    if (polls.length === 0)
      return { account: options.account, stopped: 'caught-up', ok: true, durationMs: 0, streams: [] };
    const session = await AccountSession.open(deps, options);
    if (session === undefined) return skippedReport(options.account, 0);
    const round = await session.run(() => session.round(polls));
    recordRound(planner, polls, round.streams, now());
    return {
      account: options.account,
      stopped: round.stopped,
      ok: round.ok,
      durationMs: 0,
      streams: round.streams,
    };
  }

  /** The sink is down for the next `polls` polls (every publish fails). */
  outage(polls: number): void {
    this.outagePolls = Math.max(this.outagePolls, polls);
  }

  /**
   * Starts a run that stalls inside its `nth` record-state write and stays stalled, holding its
   * lease, while the workload goes on; the next poll takes the account over once the lease has
   * expired and then wakes it (`wakeSleeper`). `undefined` when the run finished before stalling.
   */
  private async startSleeper(nth: number): Promise<PromiseSettledResult<SyncReport> | undefined> {
    const stalling = new ChaosStateStore(this.state);
    const stall = new Stall('putRecordStates', nth);
    stalling.stall = stall;
    const run = this.sync({ state: stalling, owner: 'stalled-poller' });
    const settled = run.then(
      (value): PromiseSettledResult<SyncReport> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<SyncReport> => ({ status: 'rejected', reason }),
    );
    const outcome = await Promise.race([stall.reached.then(() => undefined), settled]);
    if (outcome !== undefined) return outcome;
    this.options.countFault('stalled-writer');
    this.sleeper = { stall, settled };
    await this.stir(stall.held);
    return undefined;
  }

  /** Archives (or restores) one record of the stalled write, to be toggled back once it woke. */
  private async stir(held: Stall['held']): Promise<void> {
    const id = held?.ids[0];
    // Only streams staff can archive through the API.
    const stream = this.streams.find(
      (s) => s.name === held?.stream && (CHAOS_STREAMS as readonly string[]).includes(s.name),
    );
    if (id === undefined || stream === undefined) return;
    const archived = await this.workload.isArchived(stream, id);
    if (archived === undefined) return;
    this.stirred = { stream: stream.name, id, archived };
    await this.workload.setArchived(stream.name, id, !archived);
    this.log.push(
      `  stirred ${stream.name}/${id}: ${archived ? 'restored' : 'archived'} while the writer sleeps`,
    );
  }

  private async unstir(): Promise<void> {
    const stirred = this.stirred;
    if (stirred === undefined) return;
    this.stirred = undefined;
    this.clock.advance(1);
    await this.workload.setArchived(stirred.stream, stirred.id, stirred.archived);
    this.log.push(`  unstirred ${stirred.stream}/${stirred.id} after the writer woke`);
  }

  /** Wakes the stalled run once another run has done its work; its late write lands or is refused. */
  private async wakeSleeper(): Promise<PromiseSettledResult<SyncReport> | undefined> {
    const sleeper = this.sleeper;
    if (sleeper === undefined) return undefined;
    this.sleeper = undefined;
    sleeper.stall.wake();
    return sleeper.settled;
  }

  /** One poll (or two overlapping runs) under `plan`; records observation points. */
  async poll(plan: PollPlan): Promise<readonly (SyncReport | undefined)[]> {
    this.polls += 1;
    const poll = this.polls;
    const allVisible = await this.workload.endLateWrites();
    const down = this.outagePolls > 0;
    const run = new ChaosRun(plan.ports, this.options.countFault, down);
    this.state.run = run;
    this.publisher.run = run;
    for (const kind of simFaultKinds(plan.sim)) this.options.countFault(`sim-${kind}`);
    if (plan.overlapping) this.options.countFault('overlapping-run');
    for (const kind of pollFaultKinds(plan)) this.options.countFault(kind);
    const loadsBefore = this.state.cursorLoads.length;
    const delivered = this.publisher.delivered.length;
    if (down) this.options.countFault('sink-outage-poll');
    this.outagePolls = Math.max(0, this.outagePolls - 1);
    this.skew.ms = (plan.skewSeconds ?? 0) * 1000;
    await this.workload.setFaults(plan.sim);
    // Two overlapping runs must overlap: a run cut at its deadline could release the lease first.
    const cut = plan.overlapping ? undefined : plan.cutAfterMs;
    const setup: RunSetup = {
      ...(cut === undefined ? {} : { cutAfterMs: cut }),
      ...(plan.reconcileBudget === undefined ? {} : { reconcileBudget: plan.reconcileBudget }),
    };
    // A run stalled by an earlier poll still holds the lease: its TTL runs out before this poll
    // (never moving the clock past an invisible write by more than the overlap; see workload.ts).
    const takeover = this.sleeper !== undefined;
    if (takeover) {
      await this.workload.waitForLateWrites();
      this.clock.advance(CHAOS_TIMING.leaseTtlMs / 1000 + 1);
    }
    let settled: PromiseSettledResult<SyncReport>[];
    if (plan.stall !== undefined && !takeover) {
      const finished = await this.startSleeper(plan.stall.nth);
      settled = finished === undefined ? [] : [finished];
    } else {
      settled = await Promise.allSettled(
        plan.overlapping ? [this.sync(setup), this.sync(setup)] : [this.sync(setup)],
      );
    }
    // The stalled run wakes once this poll's runs took the account over.
    const woken = takeover ? await this.wakeSleeper() : undefined;
    const sleeping = this.sleeper !== undefined;
    await this.workload.clearFaults();
    this.state.run = undefined;
    this.publisher.run = undefined;
    this.skew.ms = 0;
    // Whatever the stalled writer held was changed while it slept and is changed back now that it
    // woke, so a late write of an old state would hide the change back (see `stir`).
    if (woken !== undefined) await this.unstir();

    const reports = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    // A stalled run's events (delivered before it stalled) are as unconfirmed as a failed run's.
    if (sleeping || settled.some((s) => s.status === 'rejected' || !s.value.ok)) {
      for (const event of this.publisher.delivered.slice(delivered)) this.unconfirmed.add(event.id);
    }
    if (woken?.status === 'rejected' && !(woken.reason instanceof BridgeError)) {
      this.violations.push(`poll ${poll}: the stalled run woke up to an unexpected ${String(woken.reason)}`);
    }
    this.log.push(
      `poll ${poll} ${JSON.stringify(plan)} → ${settled
        .map((s) =>
          s.status === 'rejected'
            ? `threw ${String(s.reason)}`
            : `${s.value.stopped} ${s.value.streams.map((r) => `${r.stream}:${r.stopped}${reconciled(r)}`).join(',')}`,
        )
        .join(' | ')}${run.dead ? ' (process died)' : ''}${sleeping ? ' (a run stalled)' : ''}${
        woken === undefined
          ? ''
          : ` (the stalled run woke: ${woken.status === 'rejected' ? String(woken.reason) : woken.value.stopped})`
      }`,
      ...this.publisher.delivered
        .slice(delivered)
        .map((e) => `  delivered ${e.detail.type} ${e.detail.recordId} ${e.detail.occurredAt} ${e.id}`),
    );
    const faulty =
      Object.keys(plan.ports).length > 0 ||
      simFaultKinds(plan.sim).length > 0 ||
      down ||
      pollFaultKinds(plan).length > 0;
    for (const s of settled) {
      if (s.status === 'fulfilled') continue;
      const error: unknown = s.reason;
      // Only a writer that stalled past its lease may find its writes refused (it is judged above).
      if (!(error instanceof BridgeError) || error instanceof StaleWriteError || !faulty) {
        const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.violations.push(`poll ${poll}: the run failed with an unexpected ${name}`);
      }
    }
    const ran = reports.filter((r) => r !== undefined && r.skipped === undefined);
    // A planned round with nothing due did nothing (it takes no lease).
    if (plan.overlapping && ran.filter((r) => (r?.streams.length ?? 0) > 0).length > 1) {
      this.violations.push(`poll ${poll}: two overlapping runs both did work; one must skip on the lease`);
    }
    for (const report of ran) {
      for (const stream of report?.streams ?? []) {
        if (stream.error?.name === 'ContractError') this.options.countFault('observed-contract-error');
        if (!faulty && stream.stopped !== 'caught-up') {
          this.violations.push(`poll ${poll}: ${stream.stream} stopped ${stream.stopped} in a clean run`);
        }
      }
    }
    const loads = this.state.cursorLoads.slice(loadsBefore);
    // Not while a run is stalled, nor right after the stir was undone (no poll has seen that yet).
    if (allVisible && !run.dead && !sleeping && woken === undefined) await this.observe(poll, ran, loads);
    return reports;
  }

  /** Streams whose pass started fresh and completed in this poll are observation points (see oracle.ts). */
  private async observe(
    poll: number,
    ran: readonly (SyncReport | undefined)[],
    loads: readonly { stream: string; cursor: { position?: unknown } | undefined }[],
  ): Promise<void> {
    for (const stream of this.streams) {
      // A planned round that left a stream's lifecycle passes out has not seen all of it.
      const inFull =
        this.plannedPolls === undefined ||
        stream.lifecycleFilters.length === 0 ||
        this.plannedPolls.some((p) => p.stream === stream.name && p.lifecycle);
      const completed =
        inFull &&
        ran.some((r) => r?.streams.some((s) => s.stream === stream.name && s.stopped === 'caught-up'));
      const fresh = loads
        .filter((l) => l.stream === stream.name)
        .every((l) => l.cursor?.position === undefined);
      if (!completed || !fresh) continue;
      const records = new Map<string, ReturnType<typeof seenOf>>();
      for (const record of await this.workload.listAll(stream))
        records.set(record.id, seenOf(record, stream.name));
      this.observations.push({
        stream: stream.name,
        poll,
        deliveredAt: this.publisher.delivered.length,
        records,
      });
    }
  }

  /** Clears every fault and polls, time moving past every interval, until a poll observes all streams. */
  async catchUp(): Promise<boolean> {
    this.outagePolls = 0;
    this.full = true;
    await this.workload.waitForLateWrites();
    const step = Math.max(
      CHAOS_TIMING.overlapSeconds + CHAOS_TIMING.settleSeconds,
      CHAOS_TIMING.reconcileIntervalSeconds,
      CHAOS_TIMING.leaseTtlMs / 1000,
    );
    let settled = 0;
    for (let attempt = 0; attempt < 6 && settled < 2; attempt++) {
      this.clock.advance(step + 1);
      const before = this.observations.length;
      const [report] = await this.poll({ sim: {}, ports: {}, overlapping: false });
      const observedAll = this.observations.length - before === this.streams.length;
      settled = report?.ok === true && observedAll ? settled + 1 : 0;
    }
    return settled >= 2;
  }

  /** `stream/id` of every record of the polled streams created after the bridge's first poll. */
  createdAfterStart(): Set<string> {
    return new Set(
      this.sim
        .changes(this.startSeq)
        .filter((c) => c.action === 'created' && this.streams.some((s) => s.name === c.resource))
        .map((c) => `${c.resource}/${c.id}`),
    );
  }

  /**
   * Records deleted in the simulator (changelog), in the polled streams, each with whether the
   * bridge can always see it: through a legacy `/deleted` feed the account serves, or because the
   * delete left a `deleted_at` a lifecycle pass reads. Deletes that left no trace can only be found
   * by reconciliation (once the record was seen).
   */
  async deletes(): Promise<{ stream: string; id: string; traced: boolean }[]> {
    const feeds = !this.options.quirks.includes('no-status-feeds');
    const out: { stream: string; id: string; traced: boolean }[] = [];
    const listed = new Map<string, Set<string>>();
    for (const change of this.sim.changes()) {
      if (change.action !== 'deleted') continue;
      const stream = this.streams.find((s) => s.name === change.resource);
      if (stream === undefined) continue;
      const feed =
        feeds && stream.deletedFeed !== undefined && !stream.lifecycleFilters.includes('deleted_at');
      let softDeleted = listed.get(stream.name);
      if (softDeleted === undefined && stream.lifecycleFilters.includes('deleted_at')) {
        const records = await this.workload.listAll(stream);
        softDeleted = new Set(records.filter((r) => isSet(r.deleted_at)).map((r) => r.id));
        listed.set(stream.name, softDeleted);
      }
      out.push({
        stream: stream.name,
        id: change.id,
        traced: feed || (softDeleted?.has(change.id) ?? false),
      });
    }
    return out;
  }
}

const isSet = (value: unknown) => typeof value === 'string' && value !== '';

/** The reconciliation outcome of a stream's run, for the trace, when one ran. */
function reconciled(report: SyncReport['streams'][number]): string {
  const outcome = report.reconciliation;
  return outcome === 'off' || outcome === 'not-due' ? '' : ` (reconciliation ${outcome})`;
}

function chaosStreams(extra: readonly string[]): StreamDefinition[] {
  return [...CHAOS_STREAMS, ...extra].map((name) => {
    const stream = findStream(name);
    if (stream === undefined) throw new Error(`unknown stream ${name}`);
    return stream;
  });
}

const silentLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
