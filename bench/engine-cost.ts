/**
 * Benchmark 1, engine CPU cost: records per CPU-second through what the engine does per record
 * (content fingerprint, per-field hashes, classification, event envelope with its id and size
 * check), against `JSON.parse` + `JSON.stringify` of the very same page bodies. Both sides run
 * in this process, interleaved, best of several rounds, so machine noise hits both alike.
 */
import { parseLosslessJson } from '../shared/cliniko/lossless-json.js';
import { normaliseIds } from '../shared/cliniko/record-ids.js';
import { type ClassifyContext, classify } from '../shared/engine/classify.js';
import { ephemeralContentKeyRing } from '../shared/engine/content-key.js';
import type { ClinikoRecord, RecordState } from '../shared/engine/ports.js';
import { buildEvent, DEFAULT_EVENT_OPTIONS } from '../shared/events/build.js';
import { STREAMS, type StreamDefinition } from '../shared/streams.js';
import { startSimulator } from '../simulator/index.js';
import { BENCH_ACCOUNT, BENCH_USER_AGENT } from './bridge-wiring.js';

const KEYS = ephemeralContentKeyRing();

interface Page {
  readonly stream: StreamDefinition;
  readonly text: string;
  readonly records: readonly ClinikoRecord[];
}

export interface EngineCostResult {
  readonly pages: number;
  readonly records: number;
  readonly bytes: number;
  /** Records per CPU-second: JSON.parse + JSON.stringify of the page bodies. */
  readonly jsonRecordsPerCpuSecond: number;
  /** Records per CPU-second: first sighting of every record (backfill: a snapshot event each). */
  readonly engineRecordsPerCpuSecond: number;
  /** Records per CPU-second: re-read of unchanged records (classification only, no event). */
  readonly rereadRecordsPerCpuSecond: number;
  /** Records per CPU-second: the client's lossless parse + id normalisation (informational). */
  readonly clientParseRecordsPerCpuSecond: number;
  /** engine CPU per record / JSON parse+serialize CPU per record. */
  readonly overheadRatio: number;
  readonly rereadRatio: number;
  readonly clientParseRatio: number;
}

async function collectPages(pagesPerStream: number): Promise<Page[]> {
  const sim = await startSimulator({
    seed: 7,
    patients: 3000,
    appointments: 6000,
    rateLimitPerMinute: 1_000_000,
  });
  const key = sim.apiKeys[0] ?? '';
  const headers = {
    authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
    accept: 'application/json',
    'user-agent': BENCH_USER_AGENT,
  };
  const pages: Page[] = [];
  try {
    for (const stream of STREAMS) {
      for (let page = 1; page <= pagesPerStream; page++) {
        const url = new URL(`${sim.baseUrl}${stream.path}`);
        url.searchParams.set('per_page', '100');
        url.searchParams.set('page', String(page));
        for (const filter of stream.revealFilters) url.searchParams.append('q[]', filter);
        const response = await fetch(url, { headers });
        const text = await response.text();
        const body = normaliseIds(parseLosslessJson(text)) as Record<string, unknown>;
        const records = (body[stream.arrayKey] ?? []) as ClinikoRecord[];
        if (records.length === 0) break;
        pages.push({ stream, text, records });
      }
    }
  } finally {
    await sim.close();
  }
  return pages;
}

/** CPU microseconds (user + system) `work` takes, repeated until at least `minCpuMs`; per repetition. */
function cpuPerRun(work: () => void, minCpuMs: number): number {
  work(); // warm-up: JIT and caches
  let runs = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < minCpuMs * 1000) {
    work();
    runs += 1;
    const delta = process.cpuUsage(start);
    used = delta.user + delta.system;
  }
  return used / runs;
}

function contextFor(stream: StreamDefinition): ClassifyContext {
  return { stream, origin: '2030-01-01T00:00:00Z', backfill: true, storeSnapshots: false, keys: KEYS };
}

function runEngine(pages: readonly Page[], stored: ReadonlyMap<string, RecordState> | undefined): number {
  let events = 0;
  const observedAt = new Date();
  for (const { stream, records } of pages) {
    const context = contextFor(stream);
    for (const record of records) {
      const result = classify(context, record, stored?.get(`${stream.name}/${record.id}`));
      if (result.event === undefined) continue;
      const updatedAt = String(record.updated_at);
      buildEvent(
        {
          stream,
          account: BENCH_ACCOUNT,
          action: result.event.action,
          record,
          fingerprint: result.state.fingerprint,
          updatedAt,
          occurredAt: updatedAt,
          observedAt,
          changedFields: result.event.changedFields,
        },
        DEFAULT_EVENT_OPTIONS,
      );
      events += 1;
    }
  }
  return events;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Best (least) CPU per repetition of each workload, over interleaved rounds. */
function bestOf<K extends string>(
  workloads: Record<K, () => void>,
  options: { minCpuMs: number; rounds: number },
): Record<K, number> {
  const names = Object.keys(workloads) as K[];
  const best = Object.fromEntries(names.map((name) => [name, Number.POSITIVE_INFINITY])) as Record<K, number>;
  for (let round = 0; round < options.rounds; round++) {
    for (const name of names) best[name] = Math.min(best[name], cpuPerRun(workloads[name], options.minCpuMs));
  }
  return best;
}

export async function measureEngineCost(options: {
  pagesPerStream: number;
  minCpuMs: number;
  rounds: number;
}) {
  const pages = await collectPages(options.pagesPerStream);
  const records = pages.reduce((sum, page) => sum + page.records.length, 0);
  let sink = 0;
  const json = () => {
    for (const page of pages) sink += JSON.stringify(JSON.parse(page.text)).length;
  };
  // Phase 1, a backfill: nothing stored yet, as in the engine, which only ever holds one page's states.
  const first = bestOf(
    {
      json,
      engine: () => {
        sink += runEngine(pages, undefined);
      },
      clientParse: () => {
        for (const page of pages) sink += normaliseIds(parseLosslessJson(page.text)) === undefined ? 0 : 1;
      },
    },
    options,
  );
  // Phase 2, a re-read: every record's state kept, and JSON measured again beside it, because
  // thousands of live states make garbage collection dearer for both sides alike.
  const stored = new Map<string, RecordState>();
  for (const { stream, records: list } of pages) {
    for (const record of list)
      stored.set(`${stream.name}/${record.id}`, classify(contextFor(stream), record, undefined).state);
  }
  const second = bestOf(
    {
      json,
      reread: () => {
        sink += runEngine(pages, stored);
      },
    },
    options,
  );
  if (sink < 0) throw new Error('unreachable: keeps the work observable');
  const perSecond = (micros: number) => Math.round((records / micros) * 1_000_000);
  return {
    pages: pages.length,
    records,
    bytes: pages.reduce((sum, page) => sum + Buffer.byteLength(page.text, 'utf8'), 0),
    jsonRecordsPerCpuSecond: perSecond(first.json),
    engineRecordsPerCpuSecond: perSecond(first.engine),
    rereadRecordsPerCpuSecond: perSecond(second.reread),
    clientParseRecordsPerCpuSecond: perSecond(first.clientParse),
    overheadRatio: round3(first.engine / first.json),
    rereadRatio: round3(second.reread / second.json),
    clientParseRatio: round3(first.clientParse / first.json),
  } satisfies EngineCostResult;
}
