/**
 * The production Cliniko client: sharded base URL, Basic auth, a shared per-account rate budget,
 * bounded retries, typed errors and lossless ids. Every response's `Date` header becomes
 * `serverTime`, the clock the engine places its watermarks with.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { fullJitterDelay } from '../backoff.js';
import type { ClinikoReader, ClinikoRecord, ListPage, ListQuery } from '../engine/ports.js';
import {
  BridgeError,
  ClinikoClockSkewError,
  ClinikoRateLimitedError,
  ClinikoUnavailableError,
  ContractError,
  type RequestContext,
  RunDeadlineError,
} from '../errors.js';
import { type ClinikoClientOptions, type ResolvedOptions, resolveOptions } from './client-options.js';
import { rateLimitWaitMs } from './rate-limit.js';
import { followableNext, listUrl, resourceUrl } from './request-url.js';
import { parseJsonBody, parseListBody, parseRecord, parseServerTime } from './response.js';
import { errorCodes, retryableNetworkCode, shouldRetryStatus } from './retry-policy.js';
import { errorForStatus } from './status-errors.js';

export type WriteMethod = 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ClinikoStats {
  /** HTTP attempts made, retries included. */
  readonly requests: number;
  /** Attempts that repeated an earlier one (after 429, 5xx, timeout or reset). */
  readonly retries: number;
  /** 429 answers seen. */
  readonly rateLimited: number;
  /** Response body bytes received. */
  readonly bytesReceived: number;
  /** Responses refused because their `Date` header was too far from the local clock. */
  readonly clockSkewRejected: number;
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly contentType: string | undefined;
  readonly serverTime: Date;
  readonly context: RequestContext;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export class ClinikoClient implements ClinikoReader {
  private readonly options: ResolvedOptions;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly authorization: string;
  private readonly counters = {
    requests: 0,
    retries: 0,
    rateLimited: 0,
    bytesReceived: 0,
    clockSkewRejected: 0,
  };
  private closed = false;

  constructor(options: ClinikoClientOptions) {
    this.options = resolveOptions(options);
    this.authorization = `Basic ${Buffer.from(`${this.options.apiKey}:`).toString('base64')}`;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        keepAliveTimeout: 10_000,
        connections: 8,
        connect: { timeout: this.options.connectTimeoutMs },
        headersTimeout: this.options.headersTimeoutMs,
        bodyTimeout: this.options.bodyTimeoutMs,
      });
  }

  /** The base URL requests go to, without trailing slash. */
  get baseUrl(): string {
    return this.options.baseUrl.href.replace(/\/+$/, '');
  }

  get stats(): ClinikoStats {
    return { ...this.counters };
  }

  async listPage(path: string, arrayKey: string, query: ListQuery = {}): Promise<ListPage> {
    return this.fetchList(listUrl(this.baseUrl, path, query), arrayKey, query.deadline);
  }

  /** Every page of a list, following `links.next` only while it stays under the base URL. */
  async *listPages(path: string, arrayKey: string, query: ListQuery = {}): AsyncGenerator<ListPage> {
    let url = listUrl(this.baseUrl, path, query);
    const visited = new Set<string>();
    for (;;) {
      visited.add(url.href);
      const page = await this.fetchList(url, arrayKey);
      yield page;
      if (page.nextUrl === undefined) return;
      const next = followableNext(page.nextUrl, url, this.options.baseUrl);
      if (visited.has(next.href)) {
        throw new ContractError(
          { method: 'GET', path: url.pathname },
          '"links.next" points back to a page already read; stopping instead of looping',
        );
      }
      url = next;
    }
  }

  /** One record, e.g. `get('/patients/123')`; `filters` such as `archived_at:*` reach hidden records. */
  async get(
    path: string,
    filters: readonly string[] = [],
  ): Promise<{ record: ClinikoRecord; serverTime: Date }> {
    const url = resourceUrl(this.baseUrl, path);
    for (const filter of filters) url.searchParams.append('q[]', filter);
    const answer = await this.execute('GET', url);
    const body = parseJsonBody(answer.text, answer.contentType, answer.context);
    return { record: parseRecord(body, answer.context), serverTime: answer.serverTime };
  }

  /** A write. 204 gives `body: undefined`; JSON bodies come back with ids as strings. */
  async send(
    method: WriteMethod,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; serverTime: Date }> {
    const answer = await this.execute(
      method,
      resourceUrl(this.baseUrl, path),
      body === undefined ? undefined : JSON.stringify(body),
    );
    const parsed =
      answer.status === 204 || answer.text.trim() === ''
        ? undefined
        : parseJsonBody(answer.text, answer.contentType, answer.context);
    return { status: answer.status, body: parsed, serverTime: answer.serverTime };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async fetchList(url: URL, arrayKey: string, deadline?: number): Promise<ListPage> {
    const answer = await this.execute('GET', url, undefined, deadline);
    const body = parseJsonBody(answer.text, answer.contentType, answer.context);
    return { ...parseListBody(body, arrayKey, answer.context), serverTime: answer.serverTime };
  }

  private async execute(method: string, url: URL, payload?: string, deadline?: number): Promise<Answer> {
    if (this.closed) throw new BridgeError('The Cliniko client is closed; create a new one.');
    const path = url.pathname;
    let failures = 0;
    let rateLimitRetries = 0;
    let rateLimitWaited = 0;
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 0) this.counters.retries += 1;
      if (!(await this.options.bucket.take(deadline)))
        throw this.outOfTime({ method, path }, 'the rate budget');
      this.counters.requests += 1;
      let raw: { status: number; headers: Dispatcher.ResponseData['headers']; text: string };
      try {
        raw = await this.attempt(method, url, payload, deadline);
      } catch (error) {
        if (error instanceof BridgeError) throw error;
        const code = retryableNetworkCode(error, method);
        failures += 1;
        if (code === undefined || failures >= this.options.maxAttempts) {
          throw this.unreachable({ method, path }, error, failures, code !== undefined);
        }
        await this.pause(this.backoff(failures), deadline, { method, path }, 'a retry');
        continue;
      }
      const context: RequestContext = { method, path, status: raw.status, requestId: requestId(raw.headers) };
      if (raw.status >= 200 && raw.status < 300) {
        const serverTime = parseServerTime(header(raw.headers, 'date'), context);
        this.checkClockSkew(serverTime, context);
        return {
          status: raw.status,
          text: raw.text,
          contentType: header(raw.headers, 'content-type'),
          serverTime,
          context,
        };
      }
      if (raw.status === 429) {
        this.counters.rateLimited += 1;
        const now = this.options.now();
        const wait = rateLimitWaitMs(
          header(raw.headers, 'x-ratelimit-reset'),
          now,
          rateLimitRetries,
          this.options,
        );
        rateLimitRetries += 1;
        // The shared bucket makes every caller of this account wait, including this one.
        this.options.bucket.pauseUntil(now + wait);
        const pastDeadline = deadline !== undefined && now + wait > deadline;
        if (pastDeadline || rateLimitWaited + wait > this.options.maxRateLimitWaitMs) {
          throw new ClinikoRateLimitedError(context, new Date(now + wait));
        }
        rateLimitWaited += wait;
        continue;
      }
      if (shouldRetryStatus(raw.status, method)) {
        failures += 1;
        if (failures >= this.options.maxAttempts) {
          throw new ClinikoUnavailableError(
            context,
            `Cliniko kept failing after ${failures} attempts; check https://status.cliniko.com and try again later`,
          );
        }
        await this.pause(this.backoff(failures), deadline, context, 'a retry');
        continue;
      }
      if (raw.status >= 500) {
        throw new ClinikoUnavailableError(
          context,
          'Cliniko failed during a write; not retried because it may have been applied — check before repeating it',
        );
      }
      throw errorForStatus(context, raw.text, { baseUrl: this.baseUrl, shard: this.options.shard });
    }
  }

  /** Sleeps `ms` unless that would pass the deadline. */
  private async pause(ms: number, deadline: number | undefined, context: RequestContext, what: string) {
    if (deadline !== undefined && this.options.now() + ms > deadline) throw this.outOfTime(context, what);
    await this.options.sleep(ms);
  }

  private outOfTime(context: RequestContext, what: string): RunDeadlineError {
    return new RunDeadlineError(
      `${context.method} ${context.path}: waiting for ${what} would pass the run's deadline; stopping at the last checkpoint`,
    );
  }

  private async attempt(method: string, url: URL, payload: string | undefined, deadline: number | undefined) {
    // One total limit per attempt, whatever the server does: headers and body timeouts bound the
    // pauses, this bounds a body that trickles in forever; a run's deadline shortens it.
    const timeLeft = deadline === undefined ? Number.POSITIVE_INFINITY : deadline - this.options.now();
    if (timeLeft <= 0) throw this.outOfTime({ method, path: url.pathname }, 'an answer');
    const limitMs = Math.min(this.options.requestTimeoutMs, timeLeft);
    const signal = AbortSignal.timeout(Math.max(1, Math.ceil(limitMs)));
    try {
      return await this.transmit(method, url, payload, signal);
    } catch (error) {
      if (!signal.aborted) throw error;
      if (limitMs < this.options.requestTimeoutMs)
        throw this.outOfTime({ method, path: url.pathname }, 'an answer');
      // A whole attempt took too long: retried like any timeout.
      throw Object.assign(new Error('request took longer than its total timeout'), {
        code: 'UND_ERR_BODY_TIMEOUT',
      });
    }
  }

  private async transmit(method: string, url: URL, payload: string | undefined, signal: AbortSignal) {
    const headers: Record<string, string> = {
      authorization: this.authorization,
      accept: 'application/json',
      'user-agent': this.options.userAgent,
    };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const response = await request(url, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body: payload ?? null,
      dispatcher: this.dispatcher,
      headersTimeout: this.options.headersTimeoutMs,
      bodyTimeout: this.options.bodyTimeoutMs,
      signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buffer.length;
      this.counters.bytesReceived += buffer.length;
      if (size > this.options.maxResponseBytes) {
        response.body.destroy();
        throw new ContractError(
          { method, path: url.pathname, status: response.statusCode },
          `Cliniko's response exceeded ${this.options.maxResponseBytes} bytes; refusing to hold it in memory`,
        );
      }
      chunks.push(buffer);
    }
    return {
      status: response.statusCode,
      headers: response.headers,
      text: Buffer.concat(chunks).toString('utf8'),
    };
  }

  private checkClockSkew(serverTime: Date, context: RequestContext): void {
    const skewMs = serverTime.getTime() - this.options.now();
    if (Math.abs(skewMs) <= this.options.maxClockSkewMs) return;
    this.counters.clockSkewRejected += 1;
    throw new ClinikoClockSkewError(context, Math.round(skewMs / 1000), this.options.maxClockSkewMs / 1000);
  }

  private backoff(failures: number): number {
    const { backoffBaseMs: baseMs, backoffCapMs: capMs, random } = this.options;
    return fullJitterDelay(failures - 1, { baseMs, capMs, random });
  }

  private unreachable(
    context: RequestContext,
    error: unknown,
    attempts: number,
    retryable: boolean,
  ): ClinikoUnavailableError {
    const code = errorCodes(error)[0] ?? 'network error';
    const why = retryable
      ? `after ${attempts} attempts`
      : context.method === 'GET'
        ? 'and the error is not one that retrying fixes'
        : 'during a write; not retried because it may have been applied — check before repeating it';
    return new ClinikoUnavailableError(context, `Could not reach Cliniko (${code}) ${why}`, { cause: error });
  }
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function requestId(headers: Dispatcher.ResponseData['headers']): string | undefined {
  const value = header(headers, 'x-request-id');
  return value !== undefined && REQUEST_ID.test(value) ? value : undefined;
}
