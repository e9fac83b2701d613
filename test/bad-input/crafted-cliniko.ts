/**
 * A crafted Cliniko for bad-input tests: a real HTTP server on loopback whose answers are scripted
 * per list path, for responses the simulator never produces (HTML pages, broken JSON, hostile links,
 * records out of order or without timestamps). Also the engine wiring used against it.
 */
import type { ServerResponse } from 'node:http';
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { TokenBucket } from '../../shared/cliniko/token-bucket.js';
import type { SyncReport } from '../../shared/engine/report.js';
import { syncAccount } from '../../shared/engine/sync.js';
import {
  ACCOUNT,
  CapturingLogger,
  streams,
  syncOptions,
  type TestSyncOverrides,
} from '../shared/engine/sync-harness.js';
import { TEST_KEYS } from '../support/content-keys.js';
import { InMemoryStateStore } from '../support/memory-state-store.js';
import { RecordingPublisher } from '../support/recording-publisher.js';
import { startScriptedServer } from '../support/scripted-server.js';

export const USER_AGENT = 'Bad Input Tests (bad-input@example.test)';

/** Writes one answer; `url` is the request target (path and query). */
export type Answer = (res: ServerResponse, url: URL) => void;

export interface CraftedCliniko {
  readonly origin: string;
  readonly baseUrl: string;
  /** Request targets received, in order. */
  readonly received: URL[];
  /** Answers requests whose path ends with `path` (e.g. `/patients`); unmatched paths get an empty list. */
  on(path: string, answer: Answer): void;
  close(): Promise<void>;
}

export async function startCraftedCliniko(): Promise<CraftedCliniko> {
  const routes = new Map<string, Answer>();
  const received: URL[] = [];
  const server = await startScriptedServer((res, request) => {
    const url = new URL(request.url || '/', 'http://127.0.0.1');
    received.push(url);
    const resource = url.pathname.replace(/^\/v1/, '');
    const answer = routes.get(resource) ?? list(resource.split('/')[1] ?? 'items', []);
    answer(res, url);
  });
  return {
    origin: server.origin,
    baseUrl: `${server.origin}/v1`,
    received,
    on: (path, answer) => {
      routes.set(path, answer);
    },
    close: () => server.close(),
  };
}

export function text(status: number, body: string, contentType = 'application/json; charset=utf-8'): Answer {
  return (res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  };
}

/**
 * A list page as Cliniko shapes it; `extra` overrides or adds top-level keys. The same records
 * answer every query, except that a range filter on a lifecycle timestamp (a lifecycle pass) keeps
 * only records that have one, as any server would.
 */
export function list(
  arrayKey: string,
  records: readonly unknown[],
  extra: Record<string, unknown> = {},
): Answer {
  return (res, url) => {
    const lifecycle = url.searchParams
      .getAll('q[]')
      .map((filter) => /^(archived_at|cancelled_at|deleted_at):[<>]/.exec(filter)?.[1])
      .filter((field) => field !== undefined);
    const kept = records.filter((record) =>
      lifecycle.every((field) => {
        const value = (record as Record<string, unknown> | null)?.[field];
        return typeof value === 'string' && value !== '';
      }),
    );
    text(200, JSON.stringify({ [arrayKey]: kept, total_entries: kept.length, links: {}, ...extra }))(
      res,
      url,
    );
  };
}

/** A contact record with every field the engine looks at. */
export function contact(
  id: string,
  updatedAt: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    first_name: 'Synthetic',
    last_name: `Contact ${id.slice(-3)}`,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: updatedAt,
    archived_at: null,
    deleted_at: null,
    ...extra,
  };
}

export function craftedClient(
  baseUrl: string,
  overrides: Partial<ConstructorParameters<typeof ClinikoClient>[0]> = {},
) {
  return new ClinikoClient({
    apiKey: 'bad-input-key',
    userAgent: USER_AGENT,
    baseUrl,
    bucket: new TokenBucket({ ratePerMinute: 100_000, capacity: 1000, sleep: () => Promise.resolve() }),
    sleep: () => Promise.resolve(),
    backoffBaseMs: 1,
    backoffCapMs: 2,
    maxAttempts: 3,
    ...overrides,
  });
}

/** The engine against a crafted Cliniko, with in-memory state and publisher; one stream unless told. */
export class EngineUnderTest {
  readonly state = new InMemoryStateStore();
  readonly publisher = new RecordingPublisher();
  readonly logger = new CapturingLogger();
  readonly client: ClinikoClient;

  constructor(
    baseUrl: string,
    private readonly names: readonly string[] = ['contacts'],
    private readonly overrides: TestSyncOverrides = {},
  ) {
    this.client = craftedClient(baseUrl);
  }

  poll(): Promise<SyncReport> {
    return syncAccount(
      {
        cliniko: this.client,
        keys: TEST_KEYS,
        state: this.state,
        publisher: this.publisher,
        logger: this.logger,
      },
      syncOptions({
        streams: streams(...this.names),
        startFrom: 'beginning',
        reconcileIntervalSeconds: null,
        ...this.overrides,
      }),
    );
  }

  cursor(stream = 'contacts') {
    return this.state.getCursor(ACCOUNT, stream);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/**
 * A list that applies the engine's keyset filters (`updated_at` and `id` comparisons, `sort`,
 * `per_page`) the way a server comparing exact instants would, for records whose timestamps are
 * not whole UTC seconds.
 */
export function filteredList(arrayKey: string, records: readonly Record<string, unknown>[]): Answer {
  return (res, url) => {
    const filters = url.searchParams.getAll('q[]');
    const matches = (record: Record<string, unknown>) =>
      filters.every((filter) => {
        const found = /^(\w+):(>=|<=|>|<|=)(.+)$/.exec(filter);
        if (found === null) return true;
        const [, field = '', op = '', raw = ''] = found;
        const value = record[field];
        const diff =
          field === 'id'
            ? Number(BigInt(String(value)) - BigInt(raw))
            : Date.parse(String(value)) - Date.parse(raw);
        return op === '>='
          ? diff >= 0
          : op === '<='
            ? diff <= 0
            : op === '>'
              ? diff > 0
              : op === '<'
                ? diff < 0
                : diff === 0;
      });
    const byTime = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      Date.parse(String(a.updated_at)) - Date.parse(String(b.updated_at));
    const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      Number(BigInt(String(a.id)) - BigInt(String(b.id)));
    const sort = url.searchParams.get('sort') ?? 'id';
    const sorted = records
      .filter(matches)
      .sort((a, b) => (sort.startsWith('updated_at') ? byTime(a, b) || byId(a, b) : byId(a, b)));
    const perPage = Number(url.searchParams.get('per_page') ?? '100');
    const page = sorted.slice(0, perPage);
    const next = sorted.length > perPage ? { next: `${url.origin}${url.pathname}?page=2` } : {};
    list(arrayKey, page, { total_entries: sorted.length, links: next })(res, url);
  };
}
