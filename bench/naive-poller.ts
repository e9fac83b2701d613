/**
 * The naive peer: a poller built the way public Cliniko polling triggers work today. Each poll reads
 * ONE page of 100 records sorted by `updated_at` descending, newer than the last `updated_at` it saw
 * (strict `>`), and drops records whose (id, updated_at) is in a 100-entry dedupe cache. It sends
 * no reveal filters (archived and cancelled records stay hidden) and reads no `/deleted` feed.
 * Its dedupe key includes `updated_at`, which is kinder than an id-only cache: its losses are a floor.
 */
import type { ClinikoReader } from '../shared/engine/ports.js';
import type { StreamDefinition } from '../shared/streams.js';

const PAGE = 100;
const CACHE = 100;

export interface NaiveEmission {
  readonly resource: string;
  readonly recordId: string;
}

interface StreamState {
  lastSeen: string | undefined;
  readonly cache: string[];
}

export class NaivePoller {
  private readonly states = new Map<string, StreamState>();

  constructor(
    private readonly cliniko: ClinikoReader,
    private readonly streams: readonly StreamDefinition[],
  ) {}

  /** One poll of every stream; the first poll of a stream only sets its starting point. */
  async poll(): Promise<NaiveEmission[]> {
    const emitted: NaiveEmission[] = [];
    for (const stream of this.streams) {
      const state = this.states.get(stream.name);
      const filters = state?.lastSeen === undefined ? [] : [`updated_at:>${state.lastSeen}`];
      const page = await this.cliniko.listPage(stream.path, stream.arrayKey, {
        filters,
        sort: 'updated_at:desc',
        perPage: PAGE,
        page: 1,
      });
      const stamps = page.records.map((r) => String(r.updated_at));
      const newest = stamps.reduce<string | undefined>(
        (max, s) => (max === undefined || s > max ? s : max),
        undefined,
      );
      if (state === undefined) {
        this.states.set(stream.name, { lastSeen: newest, cache: [] });
        continue;
      }
      for (const record of page.records) {
        const key = `${record.id}@${String(record.updated_at)}`;
        if (state.cache.includes(key)) continue;
        state.cache.push(key);
        if (state.cache.length > CACHE) state.cache.shift();
        emitted.push({ resource: stream.name, recordId: record.id });
      }
      if (newest !== undefined && (state.lastSeen === undefined || newest > state.lastSeen))
        state.lastSeen = newest;
    }
    return emitted;
  }
}
