/**
 * `--sink webhook:URL`: one signed HTTP POST per event (Standard Webhooks headers), delivered in
 * order, one at a time. Transient failures (5xx, 408/409/425, 429, timeouts, resets) are retried
 * with capped exponential backoff and full jitter; a 429's `Retry-After` is honoured. When the
 * receiver refuses an event (another 4xx, or a redirect) or the attempt budget runs out,
 * `publish` throws: the engine then does not checkpoint and re-publishes the event on its next
 * run, so an event is delayed, never dropped. Receivers dedupe on `webhook-id` (= eventId).
 *
 * The destination rules of ./webhook-destination.ts (https except loopback; never link-local or cloud
 * metadata) are checked on the URL here and on every address connected to, so a host name that starts
 * resolving to a refused address later fails the publish with a `ConfigError` and sends nothing.
 *
 * Errors name the receiver's origin, HTTP statuses and event ids — never a body, header or secret.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import { Retries } from '../backoff.js';
import type { EventPublisher } from '../engine/ports.js';
import { ConfigError, PublishError } from '../errors.js';
import type { ChangeEvent } from '../events/contract.js';
import { CONTENT_TYPES, type EventFormat, encodeEvent } from './event-format.js';
import { SinkRefusedError } from './sink-refused-error.js';
import { guardedLookup, type HostResolver, parseWebhookUrl, systemResolver } from './webhook-destination.js';
import { parseWebhookSecret, signWebhook, WEBHOOK_SECRET_ENV } from './webhook-signature.js';

export { parseWebhookSecret, signWebhook, WEBHOOK_SECRET_ENV } from './webhook-signature.js';

/** One POST as the sink sends it. */
export interface WebhookRequest {
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly redirect: 'manual';
  readonly signal: AbortSignal;
}

/** What the sink reads of a reply; `globalThis.fetch` and undici's `fetch` both fit. */
export interface WebhookResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: { cancel(): Promise<void> } | null;
}

export type WebhookFetch = (url: URL, request: WebhookRequest) => Promise<WebhookResponse>;

export interface WebhookSinkProps {
  /** The receiver: https, or plain http to loopback; no credentials, never link-local or metadata. */
  readonly url: string | URL;
  /** The `whsec_<base64>` secret, or its decoded key bytes. */
  readonly secret: string | Uint8Array;
  /**
   * The body: the EventBridge envelope (`application/json`) or a structured-mode CloudEvent
   * (`application/cloudevents+json`); see event-format.ts. @default 'eventbridge'
   */
  readonly format?: EventFormat;
  /**
   * Resolves the receiver's host name for every new connection; each address is checked before
   * connecting. @default dns.lookup
   */
  readonly resolve?: HostResolver;
  /**
   * Sends a request. A given `fetch` bypasses the connect-time address check (`resolve`).
   * @default undici's fetch through an Agent whose `connect.lookup` applies the destination rules
   */
  readonly fetch?: WebhookFetch;
  /** Attempts per event, the first included. @default 8 */
  readonly maxAttempts?: number;
  /** Backoff base: attempt n waits up to `baseDelayMs * 2^(n-1)`. @default 500 */
  readonly baseDelayMs?: number;
  /** Backoff cap. @default 30_000 */
  readonly maxDelayMs?: number;
  /** Longest `Retry-After` waited for; a longer one fails the publish so the next run retries. @default 60_000 */
  readonly maxRetryAfterMs?: number;
  /** Per-request timeout, response headers included. @default 10_000 */
  readonly timeoutMs?: number;
  /** @default the shared `sleep` (shared/backoff.ts) */
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Epoch milliseconds, for `webhook-timestamp` and HTTP-date `Retry-After`. @default Date.now */
  readonly now?: () => number;
}

/**
 * The receiver refused an event (a 4xx other than 408/409/425/429, or a redirect): retrying will not
 * help until someone fixes the receiver or the configuration, hence not a (retryable) `PublishError`
 * but a `SinkRefusedError`, on which the CLI's polling loop stops.
 */
export class WebhookRejectedError extends SinkRefusedError {
  constructor(
    message: string,
    readonly status: number,
    readonly eventId: string,
  ) {
    super(message);
  }
}

type Attempt =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'rejected'; readonly status: number }
  | {
      readonly kind: 'retry';
      readonly reason: string;
      readonly retryAfterMs?: number;
      readonly cause?: unknown;
    };

const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no response within ${timeoutMs} ms`;
  // undici reports "fetch failed" with the socket error as its cause; the code is the useful part.
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : undefined;
  return `network error${code ? ` (${code})` : ''}`;
}

function rejectionHint(status: number): string {
  if (status === 401 || status === 403) {
    return `check that the receiver verifies with the same ${WEBHOOK_SECRET_ENV} as the bridge`;
  }
  if (status === 413) return 'the receiver refuses the event size; try --payload changes or --payload ids';
  if (status >= 300 && status < 400) return 'redirects are not followed; configure the final URL';
  return 'fix the receiver or the URL';
}

/** A destination refusal raised by the connect-time lookup, found along undici's `cause` chain. */
function refusalIn(error: unknown): ConfigError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof ConfigError) return current;
    current = current.cause;
  }
  return undefined;
}

function positive(name: string, value: number, integer: boolean): number {
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new ConfigError(`webhook ${name}`, `must be a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

export class WebhookSink implements EventPublisher {
  private readonly url: URL;
  private readonly key: Uint8Array;
  private readonly format: EventFormat;
  private readonly fetch: WebhookFetch;
  private readonly agent: Agent | undefined;
  private readonly retries: Retries;
  private readonly maxRetryAfterMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(props: WebhookSinkProps) {
    this.url = parseWebhookUrl(String(props.url));
    this.key = typeof props.secret === 'string' ? parseWebhookSecret(props.secret) : props.secret;
    this.format = props.format ?? 'eventbridge';
    if (props.fetch === undefined) {
      // A dispatcher of our own, so every connection's addresses pass the destination rules.
      const agent = new Agent({
        connect: { lookup: guardedLookup(this.url, props.resolve ?? systemResolver) },
      });
      this.agent = agent;
      this.fetch = (url, request) => undiciFetch(url, { ...request, dispatcher: agent });
    } else {
      this.agent = undefined;
      this.fetch = props.fetch;
    }
    this.retries = new Retries(
      {
        maxAttempts: positive('maxAttempts', props.maxAttempts ?? 8, true),
        baseDelayMs: positive('baseDelayMs', props.baseDelayMs ?? 500, false),
        maxDelayMs: positive('maxDelayMs', props.maxDelayMs ?? 30_000, false),
        sleep: props.sleep,
        random: props.random,
      },
      { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 },
    );
    this.maxRetryAfterMs = props.maxRetryAfterMs ?? 60_000;
    this.timeoutMs = positive('timeoutMs', props.timeoutMs ?? 10_000, false);
    this.now = props.now ?? Date.now;
  }

  /** Closes the sink's connections (a no-op with an injected `fetch`). */
  async close(): Promise<void> {
    await this.agent?.close();
  }

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    // In order and one at a time: event n+1 is not sent before event n was accepted.
    for (const event of events) await this.deliver(event);
  }

  private async deliver(event: ChangeEvent): Promise<void> {
    const id = event.detail.eventId;
    const body = encodeEvent(event, this.format);
    const receiver = `webhook receiver ${this.url.origin}`;
    let last: Extract<Attempt, { kind: 'retry' }> | undefined;
    for (let attempt = 1; attempt <= this.retries.maxAttempts; attempt += 1) {
      const outcome = await this.attempt(id, body);
      if (outcome.kind === 'delivered') return;
      if (outcome.kind === 'rejected') {
        throw new WebhookRejectedError(
          `${receiver} rejected event ${id} with HTTP ${outcome.status}; ${rejectionHint(outcome.status)}. ` +
            'Nothing was checkpointed: the event is published again on the next run.',
          outcome.status,
          id,
        );
      }
      last = outcome;
      if (attempt === this.retries.maxAttempts) break;
      if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > this.maxRetryAfterMs) {
        throw new PublishError(
          `${receiver} asked to retry event ${id} after ${Math.ceil(outcome.retryAfterMs / 1000)} s, ` +
            `longer than the ${Math.ceil(this.maxRetryAfterMs / 1000)} s this run waits; nothing was ` +
            'checkpointed: the event is published again on the next run.',
        );
      }
      await this.retries.wait(attempt - 1, outcome.retryAfterMs);
    }
    throw new PublishError(
      `${receiver} did not accept event ${id} after ${this.retries.maxAttempts} attempts (last: ${last?.reason}); ` +
        'nothing was checkpointed: the event is published again on the next run.',
      { cause: last?.cause },
    );
  }

  private async attempt(id: string, body: string): Promise<Attempt> {
    // Signed per attempt: receivers reject stale timestamps, and a retry may come minutes later.
    const timestamp = Math.floor(this.now() / 1000);
    let response: WebhookResponse;
    try {
      response = await this.fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': CONTENT_TYPES[this.format],
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(this.key, id, timestamp, body),
        },
        body,
        // A followed 301/302 would turn the POST into a bodiless GET: treat redirects as a refusal.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // A refused address is configuration, not a network hiccup: retrying cannot help.
      const refusal = refusalIn(error);
      if (refusal !== undefined) throw refusal;
      return { kind: 'retry', reason: networkReason(error, this.timeoutMs), cause: error };
    }
    // The reply body is not needed; dropping it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    const { status } = response;
    if (status >= 200 && status < 300) return { kind: 'delivered' };
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
      return { kind: 'retry', reason: 'HTTP 429', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    if (status >= 300 && status < 500 && !RETRYABLE_4XX.has(status)) {
      return { kind: 'rejected', status };
    }
    return { kind: 'retry', reason: `HTTP ${status}` };
  }
}
