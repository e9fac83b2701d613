/**
 * Turns what a page showed into published events and remembered record states: read stored states →
 * classify → write states with the new version `pending` → publish (or throw) → write them confirmed.
 * The caller writes the cursor only after this returns (docs/design.md, Two-phase record write;
 * Engine invariants, 1). Records without an event are not written, so an idle poll costs no record
 * writes (Engine invariants, 10).
 */
import { buildEvent, type EventOptions } from '../events/build.js';
import type { ChangeEvent } from '../events/contract.js';
import type { StreamDefinition } from '../streams.js';
import {
  type ClassifyContext,
  classify,
  classifyFeedDeletion,
  classifyVanished,
  type Observation,
} from './classify.js';
import type { ContentKeyRing } from './content-key.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { ClinikoRecord, EventPublisher, RecordState, StateStore } from './ports.js';
import { countEvent, type StreamReport } from './report.js';
import { reportedEventOf } from './reported-event.js';
import { isoSecond } from './timestamp.js';

/** Everything one stream's work in a run needs besides the page itself. */
export interface StreamRun {
  readonly account: string;
  readonly stream: StreamDefinition;
  readonly state: StateStore;
  readonly publisher: EventPublisher;
  readonly lease: LeaseKeeper;
  readonly keys: ContentKeyRing;
  readonly event: EventOptions;
  readonly storeSnapshots: boolean;
  readonly now: () => number;
  readonly report: StreamReport;
}

/** A page's events and the record states to write before and after publishing them. */
interface Batch {
  readonly events: ChangeEvent[];
  /** Record id → state with the event's version pending. */
  readonly staged: Map<string, RecordState>;
  /** Record id → state with the event's version confirmed, and states re-keyed without an event. */
  readonly confirmed: Map<string, RecordState>;
}

function newBatch(): Batch {
  return { events: [], staged: new Map(), confirmed: new Map() };
}

function add(batch: Batch, event: ChangeEvent, staged: RecordState, confirmed: RecordState): void {
  batch.events.push(event);
  // A duplicate id on a page: the last version wins in both writes, as its event comes last.
  batch.staged.set(staged.id, staged);
  // The confirmed version remembers its event, so a resync can send it again under the same id.
  batch.confirmed.set(confirmed.id, { ...confirmed, reported: reportedEventOf(event) });
}

function eventFor(
  run: StreamRun,
  observation: Observation,
  record: ClinikoRecord,
  version: { fingerprint: string; updatedAt: string | null; occurredAt: string; sequence?: number },
): ChangeEvent {
  countEvent(run.report, observation.action);
  return buildEvent(
    {
      stream: run.stream,
      account: run.account,
      action: observation.action,
      record,
      fingerprint: version.fingerprint,
      updatedAt: version.updatedAt,
      occurredAt: version.occurredAt,
      observedAt: new Date(run.now()),
      changedFields: observation.changedFields,
      ...(observation.previous === undefined ? {} : { previous: observation.previous }),
      ...(observation.trackedPrevious === undefined ? {} : { trackedPrevious: observation.trackedPrevious }),
      ...(version.sequence === undefined ? {} : { sequence: version.sequence }),
    },
    run.event,
  );
}

/** The sequence number the event of a state's version carries. */
function sequenceOf(state: RecordState): { sequence?: number } {
  return state.sequence === undefined ? {} : { sequence: state.sequence };
}

async function storedStates(run: StreamRun, ids: readonly string[]): Promise<Map<string, RecordState>> {
  if (ids.length === 0) return new Map();
  return run.state.getRecordStates(run.account, run.stream.name, [...new Set(ids)]);
}

/** Record states per write request, and events per publish call: the lease is checked before each. */
const STATES_PER_CHUNK = 25;
const EVENTS_PER_CHUNK = 10;

/**
 * Record states are written fenced: each item carries the writer's lease token and a write lands
 * only over an item no newer lease holder wrote. Before every chunk the lease is checked (see
 * `LeaseKeeper.keep`), so a poller stalled past its lease stops instead of writing.
 */
async function writeStates(run: StreamRun, states: ReadonlyMap<string, RecordState>): Promise<void> {
  const list = [...states.values()];
  for (let start = 0; start < list.length; start += STATES_PER_CHUNK) {
    await run.lease.keep();
    await run.state.putRecordStates(
      run.account,
      run.stream.name,
      list.slice(start, start + STATES_PER_CHUNK),
      run.lease.token,
    );
  }
}

/**
 * A poller whose lease ran out while it was stalled must not publish: another one may already have
 * reported newer versions of these records. Hence the same check before every chunk of events.
 */
async function publish(run: StreamRun, events: readonly ChangeEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += EVENTS_PER_CHUNK) {
    await run.lease.keep();
    await run.publisher.publish(events.slice(start, start + EVENTS_PER_CHUNK));
  }
}

async function commit(run: StreamRun, batch: Batch): Promise<void> {
  if (batch.events.length > 0) {
    await writeStates(run, batch.staged);
    await publish(run, batch.events);
  }
  await writeStates(run, batch.confirmed);
}

/** A record whose event was published: whether it is archived now (for the archived-id probe). */
export interface Reported {
  readonly id: string;
  readonly archived: boolean;
  readonly deleted: boolean;
}

/**
 * Records read from one of the stream's lists. Each is compared with the latest state, so a
 * duplicate id on a page is harmless. Returns the records an event was published for.
 */
export async function commitListed(
  run: StreamRun,
  context: ClassifyContext,
  records: readonly ClinikoRecord[],
): Promise<readonly Reported[]> {
  run.report.records += records.length;
  if (records.length === 0) return [];
  const known = await storedStates(
    run,
    records.map((r) => r.id),
  );
  const batch = newBatch();
  for (const record of records) {
    const result = classify(context, record, known.get(record.id));
    known.set(record.id, result.rekeyed ?? result.state);
    if (result.rekeyed !== undefined) batch.confirmed.set(record.id, result.rekeyed);
    if (result.event === undefined || result.staged === undefined) continue;
    // keysetOf already checked updated_at; a replay carries the in-flight version's, also valid.
    const updatedAt = String(result.record.updated_at);
    const event = eventFor(run, result.event, result.record, {
      fingerprint: result.state.fingerprint,
      updatedAt,
      occurredAt: updatedAt,
      ...sequenceOf(result.state),
    });
    add(batch, event, result.staged, result.state);
  }
  await commit(run, batch);
  return [...batch.confirmed.values()]
    .filter((state) => batch.staged.has(state.id))
    .map((state) => ({ id: state.id, archived: state.archived, deleted: state.deleted }));
}

/** Items of the stream's `/deleted` feed; `deleted_at` was checked by the walk. */
export async function commitFeedDeletions(
  run: StreamRun,
  context: ClassifyContext,
  items: readonly ClinikoRecord[],
): Promise<void> {
  run.report.records += items.length;
  if (items.length === 0) return;
  const known = await storedStates(
    run,
    items.map((r) => r.id),
  );
  const batch = newBatch();
  for (const item of items) {
    const deletedAt = isoSecond(String(item.deleted_at));
    const result = classifyFeedDeletion(context, item, deletedAt, known.get(item.id));
    if (result === undefined) continue;
    known.set(item.id, result.state);
    const event = eventFor(run, result.event, result.record, {
      fingerprint: result.fingerprint,
      updatedAt: deletedAt,
      occurredAt: deletedAt,
      ...sequenceOf(result.state),
    });
    add(batch, event, result.staged, result.state);
  }
  await commit(run, batch);
}

/**
 * Stored records a complete, consistent id listing no longer contains: hard deletes. `occurredAt`
 * is the record's last known `updated_at` (the deletion time is unknown), which also keeps the
 * event identical if a failed run repeats it. States with nothing to report are skipped (see
 * `classifyVanished`).
 */
export async function commitVanished(
  run: StreamRun,
  vanished: readonly RecordState[],
  detectedAt: string,
): Promise<void> {
  if (vanished.length === 0) return;
  const batch = newBatch();
  for (const stored of vanished) {
    const result = classifyVanished(stored);
    if (result === undefined) continue;
    const { basis } = result;
    const record = { ...(basis.snapshot ?? {}), id: stored.id };
    const event = eventFor(run, result.event, record, {
      fingerprint: result.fingerprint,
      updatedAt: basis.updatedAt,
      occurredAt: basis.updatedAt ?? detectedAt,
      ...sequenceOf(result.state),
    });
    add(batch, event, result.staged, result.state);
  }
  await commit(run, batch);
}
