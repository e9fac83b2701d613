/**
 * The chaos oracle: what "no change is ever lost or misreported" means, checked from the outside.
 *
 * Ground truth is the simulator (its changelog, and the records as the API returns them) — never
 * the bridge's own state. Between two polls several changes to one record may legitimately collapse
 * into one event (the bridge only sees what is current when it reads), so the oracle does not ask
 * for one event per changelog entry. It asks instead:
 *
 * 1. At every OBSERVATION POINT — a poll whose pass over a stream started fresh (no saved keyset
 *    position), completed within that poll, and ran while every committed write was visible — the
 *    last event delivered for every listed record carries exactly the record's current content.
 *    The final catch-up poll is one, so every record's final content was emitted.
 * 2. Every lifecycle state that held at one observation point and was different at the next
 *    (archived / restored / cancelled) produced an event of that action in between: a transition
 *    that persisted across a poll boundary was reported, only transitions that came and went
 *    between two polls may collapse. One is promised later, not within a poll: a restore that left
 *    `updated_at` alone, which no window pass can see; it must be reported by the final (catch-up)
 *    observation, past the probe and reconciliation intervals (checks 1 and 2 hold it to that).
 * 3. Every delete is reported: always when the account serves the stream's legacy `/deleted` feed
 *    or the delete left a `deleted_at` the list can filter on, and otherwise (a delete without a
 *    trace, which only reconciliation can find) whenever the record had been present at an
 *    observation point.
 * 4. No event for unchanged content: two successive distinct events of a record never carry the
 *    same content unless the later one is a `deleted` (a lifecycle change that carries no new data).
 *    One exception is inherent in at-least-once delivery: when a run stages a version (the pending
 *    record state written before PutEvents) and dies before its event is known to be out, and the
 *    record then returns to its confirmed content, the next run cannot tell whether consumers saw the
 *    staged event, so it reports the return (e.g. `restored`) with content equal to the last event
 *    they surely had. Such repeats after a failed run are counted (`reemitted`), not failed.
 * 5. Repeated deliveries (at-least-once) carry the same eventId AND the same detail (observedAt aside).
 * 6. No cursor write ever asked to move a watermark backwards.
 * 7. Each record's event history holds together as a whole (`checkHistories`): its first event is
 *    never `updated` or `restored` (a record first seen is `created`, or `snapshot` if it predates
 *    the bridge, or the lifecycle state it was first seen in), never a `snapshot` for a record
 *    created after the bridge started; a `restored` follows an `archived` (or a `deleted`: the
 *    documented resurrection); nothing follows a `deleted`. At-least-once delivery tolerates
 *    exactly what a failed run can explain: a `restored` whose `archived` a failed run attempted to
 *    publish, or staged (wrote as pending before publishing), so it may have reached consumers, and
 *    a second lifecycle event of the same kind after one from a failed run.
 * 8. Sequence numbers order each record's events (`checkSequences`): in delivery order, every event
 *    with an eventId not delivered before carries a `detail.sequence` above every sequence delivered
 *    before for the record, and a repeated delivery carries the number its eventId had; so no two
 *    different eventIds of a record share a number. Every event carries the record key in
 *    `resources`.
 */
import type { StreamCursor } from '../../shared/engine/ports.js';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { findStream } from '../../shared/streams.js';
import type { CursorWrite } from './chaos-ports.js';

/** A record's state as the API shows it at an observation point. */
export interface Seen {
  readonly content: string;
  readonly record: Readonly<Record<string, unknown>>;
  readonly archived: boolean;
  readonly cancelled: boolean;
  /** Deleted with a trace (`deleted_at` set): listed only because the list reveals deleted records. */
  readonly deleted: boolean;
}

export interface Observation {
  readonly stream: string;
  /** Label for messages: which poll of the scenario. */
  readonly poll: number;
  /** `delivered.length` at the observation. */
  readonly deliveredAt: number;
  readonly records: ReadonlyMap<string, Seen>;
}

/**
 * Canonical content of a record of `resource`: sorted keys at every depth, without `updated_at` and
 * the stream's derived fields. Those follow another record without touching this one (the
 * `derived-field-drift` quirk), so the bridge cannot see them change until the record's own next
 * change; events carry their value as of that change (documented staleness), and a drift alone
 * must never cause an event.
 */
export function contentOf(record: Readonly<Record<string, unknown>>, resource: string): string {
  const rest: Record<string, unknown> = { ...record };
  delete rest.updated_at;
  for (const field of findStream(resource)?.derivedFields ?? []) delete rest[field];
  return JSON.stringify(sortKeys(rest));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

export function seenOf(record: Readonly<Record<string, unknown>>, resource: string): Seen {
  const set = (field: string) => typeof record[field] === 'string' && record[field] !== '';
  return {
    content: contentOf(record, resource),
    record,
    archived: set('archived_at'),
    cancelled: set('cancelled_at'),
    deleted: set('deleted_at'),
  };
}

const actionOf = (event: ChangeEvent): string => event.detail.type.split('.')[1] ?? '';
const keyOf = (stream: string, id: string) => `${stream}/${id}`;

/** The last event delivered for each record among `delivered[0, end)`. */
function lastEvents(delivered: readonly ChangeEvent[], end: number): Map<string, ChangeEvent> {
  const last = new Map<string, ChangeEvent>();
  for (const event of delivered.slice(0, end))
    last.set(keyOf(event.detail.resource, event.detail.recordId), event);
  return last;
}

/**
 * A restore that left `updated_at` alone, reported by nothing yet: no window pass can see it (its
 * `archived_at` is empty again), so the contract promises it only by the next probe of recently
 * archived ids or the next reconciliation. The last event says archived, the record is not, and
 * nothing else of it changed.
 */
function quietRestore(event: ChangeEvent, seen: Seen, resource: string): boolean {
  const data = event.detail.data;
  if (data === undefined || seen.archived || !isSetValue(data.archived_at)) return false;
  if (String(data.updated_at) !== String(seen.record.updated_at)) return false;
  return contentOf({ ...data, archived_at: seen.record.archived_at }, resource) === seen.content;
}

const isSetValue = (value: unknown) => typeof value === 'string' && value !== '';

/**
 * Check 1: at an observation point the bridge's last word on every listed record is its current
 * content. At a `final` point (the catch-up, past every interval) without exception; before, a
 * quiet restore may still be pending (see `quietRestore`).
 */
export function checkObservation(
  delivered: readonly ChangeEvent[],
  obs: Observation,
  final = true,
): string[] {
  const last = lastEvents(delivered, obs.deliveredAt);
  const problems: string[] = [];
  for (const [id, seen] of obs.records) {
    const event = last.get(keyOf(obs.stream, id));
    if (event !== undefined && !final && quietRestore(event, seen, obs.stream)) continue;
    if (event === undefined) {
      problems.push(`poll ${obs.poll}: ${obs.stream}/${id} exists but no event was ever delivered for it`);
    } else if (event.detail.data === undefined || contentOf(event.detail.data, obs.stream) !== seen.content) {
      problems.push(
        `poll ${obs.poll}: ${obs.stream}/${id} last event (${event.detail.type} of ${event.detail.occurredAt}) does not carry the record's current content (updated_at ${String(seen.record.updated_at)}; differing fields: ${differingFields(event.detail.data ?? {}, seen.record).join(', ')})`,
      );
    }
  }
  return problems;
}

/**
 * Check 2: lifecycle states that differ between two observation points were reported in between;
 * a quiet restore (see `quietRestore`) may be reported later, but by the `final` point at the latest.
 */
export function checkTransitions(
  delivered: readonly ChangeEvent[],
  before: Observation,
  after: Observation,
  final = true,
): string[] {
  const problems: string[] = [];
  const between = delivered.slice(before.deliveredAt, after.deliveredAt);
  const last = lastEvents(delivered, after.deliveredAt);
  for (const [id, now] of after.records) {
    const then = before.records.get(id);
    if (then === undefined) continue;
    const event = last.get(keyOf(after.stream, id));
    if (!final && event !== undefined && quietRestore(event, now, after.stream)) continue;
    const actions = new Set(
      between.filter((e) => e.detail.recordId === id && e.detail.resource === after.stream).map(actionOf),
    );
    // The most specific action wins when several flags change in one observation (docs/design.md,
    // Classification): a record deleted meanwhile may report only its delete, whatever else changed
    // before.
    const expect = (what: string, accepted: readonly string[]) => {
      const covered = [...accepted, ...(now.deleted && !then.deleted ? ['deleted'] : [])];
      if (!covered.some((a) => actions.has(a))) {
        problems.push(
          `polls ${before.poll}→${after.poll}: ${after.stream}/${id} was ${what} across a poll boundary but no ${accepted.join('/')} event was delivered`,
        );
      }
    };
    if (!then.archived && now.archived) expect('archived', ['archived']);
    if (then.archived && !now.archived) expect('restored', ['restored']);
    if (!then.cancelled && now.cancelled) expect('cancelled', ['cancelled', 'archived', 'restored']);
  }
  return problems;
}

/** Check 3: hard deletes. `observedIds` are ids present at some observation point. */
export function checkDeletes(
  delivered: readonly ChangeEvent[],
  deletes: readonly { stream: string; id: string; traced: boolean }[],
  observedIds: ReadonlySet<string>,
): { problems: string[]; dangling: number } {
  const last = lastEvents(delivered, delivered.length);
  const problems: string[] = [];
  let dangling = 0;
  for (const { stream, id, traced } of deletes) {
    const event = last.get(keyOf(stream, id));
    // A record first seen already deleted (a snapshot of it, with its deleted_at) needs no more.
    if (event !== undefined && (actionOf(event) === 'deleted' || isSetValue(event.detail.data?.deleted_at)))
      continue;
    if (traced || observedIds.has(keyOf(stream, id))) {
      problems.push(`${stream}/${id} was deleted but its last event is ${event?.detail.type ?? 'missing'}`);
    } else if (event !== undefined) {
      // Published by a run that crashed before remembering the record, deleted before any later
      // poll saw it: no state, no feed, so nothing can report the delete. Counted, not failed.
      dangling += 1;
    }
  }
  return { problems, dangling };
}

/** Checks 4 and 5 over the whole delivery log; `unconfirmed` holds ids delivered by runs that failed. */
export function checkDeliveries(
  delivered: readonly ChangeEvent[],
  unconfirmed: ReadonlySet<string>,
  explained: ReadonlySet<string> = new Set(),
): { problems: string[]; duplicates: number; reemitted: number } {
  const problems: string[] = [];
  const byId = new Map<string, ChangeEvent>();
  const history = new Map<string, ChangeEvent[]>();
  let duplicates = 0;
  let reemitted = 0;
  for (const event of delivered) {
    const first = byId.get(event.id);
    if (first !== undefined) {
      duplicates += 1;
      if (detailText(first) !== detailText(event)) {
        problems.push(`event ${event.id} (${event.detail.type}) was delivered twice with different payloads`);
      }
      continue;
    }
    byId.set(event.id, event);
    const key = keyOf(event.detail.resource, event.detail.recordId);
    history.set(key, [...(history.get(key) ?? []), event]);
  }
  for (const [key, events] of history) {
    const withData = events.filter((e) => actionOf(e) !== 'deleted' && e.detail.data !== undefined);
    for (let i = 1; i < withData.length; i++) {
      const prev = withData[i - 1];
      const next = withData[i];
      if (
        prev === undefined ||
        next === undefined ||
        prev.detail.data === undefined ||
        next.detail.data === undefined
      )
        continue;
      const resource = next.detail.resource;
      if (contentOf(prev.detail.data, resource) !== contentOf(next.detail.data, resource)) continue;
      if (unconfirmed.has(prev.id) || explained.has(next.id)) reemitted += 1;
      else {
        problems.push(
          `${key}: ${next.detail.type} (${next.detail.occurredAt}, event ${next.id}) repeats the content of the previous ${prev.detail.type} (${prev.detail.occurredAt}, event ${prev.id})`,
        );
      }
    }
  }
  return { problems, duplicates, reemitted };
}

/** Check 8: per record, sequences increase with every new eventId and repeat with a repeated one. */
export function checkSequences(delivered: readonly ChangeEvent[]): string[] {
  const problems: string[] = [];
  const numberOf = new Map<string, number>();
  const highest = new Map<string, { sequence: number; id: string }>();
  for (const event of delivered) {
    const { resource, recordId, sequence, account } = event.detail;
    const key = keyOf(resource, recordId);
    const label = `${key}: ${event.detail.type} (event ${event.id})`;
    if (!event.resources.includes(`cliniko:${account}:${resource}:${recordId}`)) {
      problems.push(`${label} does not carry the record key in resources`);
    }
    const earlier = numberOf.get(event.id);
    if (earlier !== undefined) {
      if (earlier !== sequence)
        problems.push(`${label} was delivered again with sequence ${sequence}, first ${earlier}`);
      continue;
    }
    numberOf.set(event.id, sequence);
    const top = highest.get(key);
    if (top !== undefined && sequence <= top.sequence) {
      problems.push(
        `${label} has sequence ${sequence}, not above ${top.sequence} of the earlier event ${top.id} of the record`,
      );
    }
    if (top === undefined || sequence > top.sequence) highest.set(key, { sequence, id: event.id });
  }
  return problems;
}

/** Names (never values) of the top-level fields two versions of a record disagree on. */
export function differingFields(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => JSON.stringify(sortKeys(a[n])) !== JSON.stringify(sortKeys(b[n]))).sort();
}

/**
 * What a repeated delivery must repeat: everything but the detection time (`detail.observedAt`, and
 * the envelope `time` taken from it), which says when this delivery was sent.
 */
/**
 * An event as a repeat must repeat it: without its detection time, and without the stream's derived
 * fields in `data`, which a repeat reads anew (they drift without the record changing, and the
 * bridge keeps no copy of what it sent; README, "Derived fields").
 */
function detailText(event: ChangeEvent): string {
  const { observedAt: _ignored, data, ...rest } = event.detail;
  const { time: _sentAt, ...envelope } = event;
  let content: Record<string, unknown> | undefined = data;
  if (data !== undefined) {
    const kept: Record<string, unknown> = { ...data };
    for (const field of findStream(event.detail.resource)?.derivedFields ?? []) delete kept[field];
    content = kept;
  }
  return JSON.stringify(sortKeys({ ...envelope, detail: { ...rest, data: content } }));
}

/** Check 6: watermarks (change pass and `/deleted` feed) only move forward. */
export function checkCursors(writes: readonly CursorWrite[]): string[] {
  const problems: string[] = [];
  const accepted = new Map<string, StreamCursor>();
  for (const write of writes) {
    const last = accepted.get(write.stream);
    if (last !== undefined) {
      if (Date.parse(write.cursor.watermark) < Date.parse(last.watermark)) {
        problems.push(
          `${write.stream}: a cursor write asked to move the watermark back from ${last.watermark} to ${write.cursor.watermark}`,
        );
      }
      const was = last.deletedWatermark;
      const now = write.cursor.deletedWatermark;
      if (was !== undefined && (now === undefined || Date.parse(now) < Date.parse(was))) {
        problems.push(
          `${write.stream}: a cursor write moved the /deleted watermark back from ${was} to ${now ?? 'nothing'}`,
        );
      }
    }
    if (write.accepted) accepted.set(write.stream, write.cursor);
  }
  return problems;
}

/** An event of a publish call that failed, with `delivered.length` at that time. */
export interface Attempt {
  readonly event: ChangeEvent;
  readonly at: number;
}

/**
 * Check 7: per record, the sequence of distinct events (repeats of one eventId dropped) must make
 * sense to a consumer reading it from the start. `createdAfterStart` holds `stream/id` keys of the
 * records created after the bridge's first poll; `unconfirmed` the ids delivered by runs that failed.
 */
export function checkHistories(
  delivered: readonly ChangeEvent[],
  attempted: readonly Attempt[],
  createdAfterStart: ReadonlySet<string>,
  unconfirmed: ReadonlySet<string>,
  stagedArchives: readonly { readonly key: string; readonly at: number }[] = [],
): { problems: string[]; tolerated: number; explained: Set<string> } {
  const problems: string[] = [];
  let tolerated = 0;
  /** Ids of the restores a failed run's archive explains (check 4 tolerates them too). */
  const explained = new Set<string>();
  const seen = new Set<string>();
  const histories = new Map<string, { event: ChangeEvent; index: number }[]>();
  delivered.forEach((event, index) => {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    const key = keyOf(event.detail.resource, event.detail.recordId);
    histories.set(key, [...(histories.get(key) ?? []), { event, index }]);
  });
  // An event a failed call tried to send after `after` and before `before` (delivery indexes).
  const attemptedAction = (key: string, action: string, after: number, before: number) =>
    attempted.some(
      (a) =>
        a.at > after &&
        a.at <= before &&
        keyOf(a.event.detail.resource, a.event.detail.recordId) === key &&
        actionOf(a.event) === action,
    );
  const attemptedArchive = (key: string, after: number, before: number) =>
    attemptedAction(key, 'archived', after, before) ||
    stagedArchives.some((s) => s.key === key && s.at > after && s.at <= before);
  for (const [key, history] of histories) {
    const describe = (i: number) => {
      const entry = history[i];
      return entry === undefined
        ? '?'
        : `${entry.event.detail.type} (${entry.event.detail.occurredAt}, event ${entry.event.id})`;
    };
    const first = history[0];
    if (first === undefined) continue;
    const firstAction = actionOf(first.event);
    if (firstAction === 'updated' || firstAction === 'restored') {
      problems.push(
        `${key}: its first event is ${describe(0)}; a record first seen must be created, a snapshot or its lifecycle state`,
      );
    }
    if (firstAction === 'snapshot' && createdAfterStart.has(key)) {
      problems.push(`${key}: created after the bridge started, but its first event is ${describe(0)}`);
    }
    // What consumers were told: an event with data says whether the record is archived.
    const archivedIn = (event: ChangeEvent, fallback: boolean): boolean => {
      const value = event.detail.data?.archived_at;
      return event.detail.data === undefined ? fallback : typeof value === 'string' && value !== '';
    };
    let archived = archivedIn(first.event, firstAction === 'archived');
    let deleted = firstAction === 'deleted';
    let lastRestore = -1;
    let lastArchive = archived ? first.index : -1;
    for (let i = 1; i < history.length; i++) {
      const entry = history[i];
      const previous = history[i - 1];
      if (entry === undefined || previous === undefined) continue;
      const action = actionOf(entry.event);
      const previousAction = actionOf(previous.event);
      const repeatAfterFailure = action === previousAction && unconfirmed.has(previous.event.id);
      if (deleted && !(action === 'deleted' && repeatAfterFailure)) {
        problems.push(`${key}: ${describe(i)} follows ${describe(i - 1)}, but nothing may follow a delete`);
      }
      if (action === 'restored' && !archived && !deleted) {
        if (attemptedArchive(key, lastRestore, entry.index)) {
          tolerated += 1;
          explained.add(entry.event.id);
        } else
          problems.push(`${key}: ${describe(i)} without an earlier archive (previous: ${describe(i - 1)})`);
      }
      if (action === 'archived' && archived && !repeatAfterFailure) {
        // A restore that may never have gone out came in between: the bridge cannot know whether
        // consumers hold the archive or the restore, so it reports the archive again (pending-version.ts).
        if (attemptedAction(key, 'restored', lastArchive, entry.index)) tolerated += 1;
        else
          problems.push(
            `${key}: ${describe(i)} archives a record already reported archived by ${describe(i - 1)}`,
          );
      }
      archived = archivedIn(
        entry.event,
        action === 'archived' ? true : action === 'restored' ? false : archived,
      );
      if (action === 'restored') lastRestore = entry.index;
      if (action === 'archived') lastArchive = entry.index;
      if (action === 'deleted') deleted = true;
    }
  }
  return { problems, tolerated, explained };
}
