/**
 * The benchmark's sink: an `EventPublisher` that keeps no events, only what the measurements need:
 * when each event arrived, how many PutEvents requests `EventBridgePublisher` would send for the
 * batch (same packing code), and how many 64 KB chunks EventBridge would bill.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventPublisher } from '../shared/engine/ports.js';
import type { ChangeEvent } from '../shared/events/contract.js';
import { entrySize, packEntries } from '../shared/publish/eventbridge-publisher.js';

const CHUNK_BYTES = 64 * 1024;

export interface Arrival {
  readonly account: string;
  readonly resource: string;
  readonly recordId: string;
  readonly type: string;
  /** Epoch ms when the event reached the sink. */
  readonly at: number;
}

export interface SinkCounts {
  /** `publish` calls by the engine. */
  publishCalls: number;
  /** PutEvents requests the EventBridge adapter would send. */
  putEventsRequests: number;
  events: number;
  /** Billed 64 KB chunks. */
  chunks: number;
  /** Sum of entry sizes in bytes. */
  bytes: number;
}

export function emptySinkCounts(): SinkCounts {
  return { publishCalls: 0, putEventsRequests: 0, events: 0, chunks: 0, bytes: 0 };
}

export class SinkRecorder implements EventPublisher {
  counts: SinkCounts = emptySinkCounts();
  /** Filled only when `keepArrivals` is set (latency runs). */
  readonly arrivals: Arrival[] = [];

  constructor(
    private readonly keepArrivals = false,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns the counts so far and starts counting from zero. */
  take(): SinkCounts {
    const taken = this.counts;
    this.counts = emptySinkCounts();
    return taken;
  }

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    const at = this.now();
    const entries: PutEventsRequestEntry[] = events.map((event) => ({
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: JSON.stringify(event.detail),
      Time: new Date(event.time),
    }));
    this.counts.publishCalls += 1;
    this.counts.putEventsRequests += packEntries(entries).length;
    this.counts.events += events.length;
    for (const entry of entries) {
      const size = entrySize(entry);
      this.counts.bytes += size;
      this.counts.chunks += Math.max(1, Math.ceil(size / CHUNK_BYTES));
    }
    if (!this.keepArrivals) return;
    for (const event of events) {
      this.arrivals.push({
        account: event.detail.account,
        resource: event.detail.resource,
        recordId: event.detail.recordId,
        type: event.detail.type,
        at,
      });
    }
  }
}
