/**
 * Turns what a page showed into published events and remembered record states, in the one order
 * that loses nothing (invariant 1): read stored states → classify → build events → publish all
 * (or throw) → write record states. The caller writes the cursor only after this returns, so a
 * failure at any step leaves the cursor where it was and the re-run re-publishes the same events
 * with the same ids.
 */
import { buildEvent, type EventOptions } from '../events/build.js';
import type { ChangeEvent } from '../events/contract.js';
import type { StreamDefinition } from '../streams.js';
import { type ClassifyContext, classify, classifyFeedDeletion, type Observation } from './classify.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { ClinikoRecord, EventPublisher, RecordState, StateStore } from './ports.js';
import { countEvent, type StreamReport } from './report.js';
import { isoSecond } from './timestamp.js';

/** Everything one stream's work in a run needs besides the page itself. */
export interface StreamRun {
  readonly account: string;
  readonly stream: StreamDefinition;
  readonly state: StateStore;
  readonly publisher: EventPublisher;
  readonly lease: LeaseKeeper;
  readonly event: EventOptions;
  readonly storeSnapshots: boolean;
  readonly now: () => number;
  readonly report: StreamReport;
}

interface Pending {
  readonly events: ChangeEvent[];
  readonly states: Map<string, RecordState>;
}

function eventFor(
  run: StreamRun,
  observation: Observation,
  record: ClinikoRecord,
  version: { fingerprint: string; updatedAt: string | null; occurredAt: string },
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
    },
    run.event,
  );
}

async function storedStates(run: StreamRun, ids: readonly string[]): Promise<Map<string, RecordState>> {
  if (ids.length === 0) return new Map();
  return run.state.getRecordStates(run.account, run.stream.name, [...new Set(ids)]);
}

async function commit(run: StreamRun, pending: Pending): Promise<void> {
  if (pending.events.length > 0) await run.publisher.publish(pending.events);
  if (pending.states.size > 0) {
    await run.lease.keep();
    await run.state.putRecordStates(run.account, run.stream.name, [...pending.states.values()]);
  }
}

/** Records read from the stream's list. Each is compared with the latest state, so a duplicate id on a page is harmless. */
export async function commitListed(
  run: StreamRun,
  context: ClassifyContext,
  records: readonly ClinikoRecord[],
): Promise<void> {
  run.report.records += records.length;
  if (records.length === 0) return;
  const known = await storedStates(
    run,
    records.map((r) => r.id),
  );
  const pending: Pending = { events: [], states: new Map() };
  for (const record of records) {
    const result = classify(context, record, known.get(record.id));
    known.set(record.id, result.state);
    if (result.write) pending.states.set(record.id, result.state);
    if (result.event !== undefined) {
      // keysetOf already checked updated_at, so the record has a valid one.
      const updatedAt = String(record.updated_at);
      pending.events.push(
        eventFor(run, result.event, record, {
          fingerprint: result.state.fingerprint,
          updatedAt,
          occurredAt: updatedAt,
        }),
      );
    }
  }
  await commit(run, pending);
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
  const pending: Pending = { events: [], states: new Map() };
  for (const item of items) {
    const deletedAt = isoSecond(String(item.deleted_at));
    const stored = known.get(item.id);
    const result = classifyFeedDeletion(context, item, deletedAt, stored);
    if (result === undefined) continue;
    known.set(item.id, result.state);
    pending.states.set(item.id, result.state);
    // Feed items can be minimal; a snapshot (if kept) gives consumers the record as last seen.
    const record = { ...(stored?.snapshot ?? {}), ...item };
    pending.events.push(
      eventFor(run, result.event, record, {
        fingerprint: result.fingerprint,
        updatedAt: deletedAt,
        occurredAt: deletedAt,
      }),
    );
  }
  await commit(run, pending);
}

/**
 * Stored records a complete, consistent id listing no longer contains: hard deletes. `occurredAt`
 * is the record's last known `updated_at` (the deletion time is unknown), which also keeps the
 * event identical if a failed run repeats it.
 */
export async function commitVanished(
  run: StreamRun,
  vanished: readonly RecordState[],
  detectedAt: string,
): Promise<void> {
  if (vanished.length === 0) return;
  const pending: Pending = { events: [], states: new Map() };
  for (const stored of vanished) {
    const state: RecordState = { ...stored, deleted: true };
    pending.states.set(stored.id, state);
    const record = { ...(stored.snapshot ?? {}), id: stored.id };
    pending.events.push(
      eventFor(run, { action: 'deleted', changedFields: null }, record, {
        fingerprint: stored.fingerprint,
        updatedAt: stored.updatedAt,
        occurredAt: stored.updatedAt ?? detectedAt,
      }),
    );
  }
  await commit(run, pending);
}
