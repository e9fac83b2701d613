/**
 * Wiring for engine use-case tests: the in-memory Cliniko, the in-memory state store, the
 * recording publisher and a logger that keeps every line, around `syncAccount`.
 */
import type { ClinikoReader, EventPublisher, Logger, StateStore } from '../../../shared/engine/ports.js';
import type { SyncReport } from '../../../shared/engine/report.js';
import {
  DEFAULT_SYNC_TIMING,
  type StreamSettings,
  type SyncDeps,
  type SyncOptions,
  syncAccount,
  withSettings,
} from '../../../shared/engine/sync.js';
import { DEFAULT_EVENT_OPTIONS, type EventOptions } from '../../../shared/events/build.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import { findStream, type StreamDefinition } from '../../../shared/streams.js';
import { TEST_KEYS } from '../../support/content-keys.js';
import { InMemoryCliniko } from '../../support/fake-cliniko.js';
import { FaultPlan, withFaults } from '../../support/fault-plan.js';
import { InMemoryStateStore } from '../../support/memory-state-store.js';
import { RecordingPublisher } from '../../support/recording-publisher.js';

export const ACCOUNT = 'test-clinic';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>> | undefined;
}

export class CapturingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.lines.push({ level: 'error', message, fields });
  }
  /** Everything logged, as one string, to search for leaks. */
  text(): string {
    return JSON.stringify(this.lines);
  }
}

/**
 * Requests an idle poll of a stream makes: one per window pass (the list by `updated_at`, each
 * further list, each filterable lifecycle timestamp).
 */
export function idleRequests(stream: StreamDefinition): number {
  return 1 + (stream.extraLists?.length ?? 0) + stream.lifecycleFilters.length;
}

export function streams(...names: string[]): StreamDefinition[] {
  return names.map((name) => {
    const stream = findStream(name);
    if (stream === undefined) throw new Error(`unknown stream ${name}`);
    return stream;
  });
}

/**
 * A test's options: the engine's, with the streams given as definitions sharing one `event` and
 * `storeSnapshots` — or, for settings that differ per stream, as the engine takes them (`settings`).
 */
export type TestSyncOverrides = Partial<Omit<SyncOptions, 'streams'>> & {
  readonly streams?: readonly StreamDefinition[];
  readonly event?: EventOptions;
  readonly storeSnapshots?: boolean;
  readonly settings?: readonly StreamSettings[];
};

export function syncOptions(overrides: TestSyncOverrides = {}): SyncOptions {
  const { streams: definitions = streams('patients'), event, storeSnapshots, settings, ...rest } = overrides;
  return {
    account: ACCOUNT,
    streams: settings ?? withSettings(definitions, event ?? DEFAULT_EVENT_OPTIONS, storeSnapshots ?? false),
    startFrom: 'beginning',
    ...DEFAULT_SYNC_TIMING,
    reconcileIntervalSeconds: null,
    deadlineMarginMs: 0,
    ...rest,
  };
}

export class Harness {
  readonly cliniko: InMemoryCliniko;
  /** Faults for the reader, the state store and the publisher below (test/support/fault-plan.ts). */
  readonly readerFaults = new FaultPlan<ClinikoReader>();
  readonly stateFaults = new FaultPlan<StateStore>();
  readonly publisherFaults = new FaultPlan<EventPublisher>();
  readonly state = withFaults(new InMemoryStateStore(), this.stateFaults);
  readonly publisher = withFaults(new RecordingPublisher(), this.publisherFaults);
  /** The in-memory Cliniko as the engine reads it, with `readerFaults`. */
  readonly reader: ClinikoReader;
  readonly logger = new CapturingLogger();

  constructor(
    readonly options: TestSyncOverrides = {},
    start?: string,
  ) {
    this.cliniko = new InMemoryCliniko(start === undefined ? {} : { start });
    this.reader = withFaults<ClinikoReader>(this.cliniko, this.readerFaults);
  }

  /** The engine's ports as this harness wires them, on the fake Cliniko's clock. */
  get deps(): SyncDeps {
    return {
      cliniko: this.reader,
      keys: TEST_KEYS,
      state: this.state,
      publisher: this.publisher,
      logger: this.logger,
      now: () => this.cliniko.now(),
    };
  }

  /** One run, as the scheduler would start it. */
  poll(overrides: TestSyncOverrides = {}, deps: Partial<SyncDeps> = {}): Promise<SyncReport> {
    return syncAccount({ ...this.deps, ...deps }, syncOptions({ ...this.options, ...overrides }));
  }

  events(filter: { recordId?: string; action?: string } = {}): ChangeEvent[] {
    return this.publisher.events.filter(
      (e) =>
        (filter.recordId === undefined || e.detail.recordId === filter.recordId) &&
        (filter.action === undefined || e.detail.type.endsWith(`.${filter.action}`)),
    );
  }

  /** Requests that asked for a page other than 1 (the engine must never page by offset). */
  deepPageRequests(): number {
    return this.cliniko.requests.filter((r) => r.page !== 1).length;
  }

  actions(recordId: string): string[] {
    return this.events({ recordId }).map((e) => e.detail.type.split('.')[1] ?? '');
  }
}
