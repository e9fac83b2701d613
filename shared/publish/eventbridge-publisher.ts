/**
 * `EventPublisher` on Amazon EventBridge PutEvents.
 *
 * Entries are packed in order into requests of at most 10 entries and 1 MB (sizes computed as
 * AWS does). A failed call (throttling, 5xx, network) is retried by the SDK itself (the client is
 * built with `shared/aws/client-defaults.ts`); what the SDK cannot retry is a partial failure, and
 * there only the entries that failed are sent again, with capped exponential backoff and full
 * jitter. When that budget runs out, or the call failed after the SDK's attempts, `publish` throws
 * `PublishError` and the caller must not checkpoint. Errors carry counts, error codes and request
 * ids only, never event content.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { Retries } from '../backoff.js';
import type { EventPublisher } from '../engine/ports.js';
import { PublishError } from '../errors.js';
import type { ChangeEvent } from '../events/contract.js';
import { EVENTBRIDGE_MAX_ENTRY_BYTES } from '../events/size-limits.js';

export interface EventBridgePublisherOptions {
  readonly client: EventBridgeClient;
  /** Name or ARN of the event bus. */
  readonly busName: string;
  /** Sends of a request while some of its entries keep failing, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** @default 100 */
  readonly baseDelayMs?: number;
  /** @default 3000 */
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface PublisherStats {
  /** PutEvents requests sent, retries included. */
  calls: number;
  /** Entries EventBridge accepted. */
  entries: number;
  /** Requests that were retries (of failed entries or of a failed call). */
  retries: number;
}

/** PutEvents limits. */
export const MAX_ENTRIES_PER_REQUEST = 10;
/** 1 MB since January 2026 (256 KB before): see `shared/events/size-limits.ts`. */
export const MAX_REQUEST_BYTES = EVENTBRIDGE_MAX_ENTRY_BYTES;
/** AWS counts a `Time` field as 14 bytes. */
const TIME_BYTES = 14;

const utf8 = (text: string | undefined): number => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

/** The size AWS charges an entry against the request limit (Source, DetailType, Detail, Time, Resources). */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail);
  if (entry.Time !== undefined) size += TIME_BYTES;
  for (const resource of entry.Resources ?? []) size += utf8(resource);
  return size;
}

/** Packs entries, in order, into requests within the entry-count and byte limits. */
export function packEntries(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const batches: PutEventsRequestEntry[][] = [];
  let batch: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (batch.length > 0 && (batch.length === MAX_ENTRIES_PER_REQUEST || bytes + size > MAX_REQUEST_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export class EventBridgePublisher implements EventPublisher {
  readonly publisherStats: PublisherStats = { calls: 0, entries: 0, retries: 0 };
  private readonly client: EventBridgeClient;
  private readonly busName: string;
  private readonly retries: Retries;

  constructor(options: EventBridgePublisherOptions) {
    this.client = options.client;
    this.busName = options.busName;
    this.retries = new Retries(options, { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 3000 });
  }

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    const entries = events.map((event) => this.toEntry(event));
    entries.forEach((entry, index) => {
      const size = entrySize(entry);
      if (size > MAX_REQUEST_BYTES) {
        throw new PublishError(
          `Event ${events[index]?.id ?? index} is ${size} bytes, over the ${MAX_REQUEST_BYTES}-byte PutEvents limit; ` +
            'its payload should have been omitted (payloadOmitted: size)',
        );
      }
    });
    for (const batch of packEntries(entries)) await this.sendBatch(batch);
  }

  private toEntry(event: ChangeEvent): PutEventsRequestEntry {
    return {
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: JSON.stringify(event.detail),
      Time: new Date(event.time),
      // The record key: delivered in the envelope's `resources`, for routes that group by record.
      ...(event.resources.length > 0 ? { Resources: [...event.resources] } : {}),
      EventBusName: this.busName,
    };
  }

  private async sendBatch(batch: readonly PutEventsRequestEntry[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; ; attempt += 1) {
      if (attempt > 1) {
        this.publisherStats.retries += 1;
        await this.retries.wait(attempt - 2);
      }
      this.publisherStats.calls += 1;
      let results: readonly PutEventsResultEntry[];
      try {
        const output = await this.client.send(new PutEventsCommand({ Entries: [...pending] }));
        results = output.Entries ?? [];
      } catch (error) {
        throw new PublishError(
          `PutEvents failed for ${pending.length} entries (after the SDK's own retries): ${describeCallError(error)}`,
        );
      }
      // An entry without a result (or with an error code) is treated as not delivered: a duplicate is
      // better than a lost event.
      const failed = pending.filter((_, index) => {
        const result = results[index];
        return result === undefined || result.ErrorCode !== undefined || result.EventId === undefined;
      });
      this.publisherStats.entries += pending.length - failed.length;
      if (failed.length === 0) return;
      if (attempt >= this.retries.maxAttempts) {
        throw new PublishError(
          `PutEvents left ${failed.length} of ${batch.length} entries undelivered after ${attempt} attempts ` +
            `(error codes: ${errorCodes(pending, results)})`,
        );
      }
      pending = failed;
    }
  }
}

function errorCodes(
  pending: readonly PutEventsRequestEntry[],
  results: readonly PutEventsResultEntry[],
): string {
  const counts = new Map<string, number>();
  pending.forEach((_, index) => {
    const result = results[index];
    const code =
      result === undefined
        ? 'NoResult'
        : (result.ErrorCode ?? (result.EventId === undefined ? 'NoEventId' : ''));
    if (code !== '') counts.set(code, (counts.get(code) ?? 0) + 1);
  });
  return [...counts].map(([code, count]) => `${code} ×${count}`).join(', ');
}

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

const asSdkError = (error: unknown): SdkErrorShape =>
  typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};

/** Name, status and request id of a failed call; never the SDK's message, which may quote the request. */
function describeCallError(error: unknown): string {
  const { name, code, $metadata } = asSdkError(error);
  const parts = [typeof name === 'string' ? name : 'UnknownError'];
  if (typeof code === 'string') parts.push(code);
  if ($metadata?.httpStatusCode !== undefined) parts.push(`HTTP ${$metadata.httpStatusCode}`);
  if ($metadata?.requestId !== undefined) parts.push(`request id ${$metadata.requestId}`);
  return parts.join(', ');
}
