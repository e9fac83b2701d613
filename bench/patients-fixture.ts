/**
 * A fast stand-in for Cliniko's `/patients` list, for the memory benchmark only: N patient records
 * cloned from real simulator records (same shape and size), served with the exact keyset queries
 * the engine sends, by binary search. The simulator filters and sorts its whole table on every
 * keyset request (~2 s per request at 100k patients on a shared 2-core machine), which would make
 * a 100k backfill take over half an hour without telling anything more about the bridge.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

const YEAR_SECONDS = 365 * 86_400;
const BASE_ID = 1_000_000_000_000_000_000n;

export interface PatientsFixture {
  readonly baseUrl: string;
  close(): Promise<void>;
}

const iso = (seconds: number) => `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;

/** `templates` are real patient records; record i gets a fresh id and an `updated_at` in order. */
export async function startPatientsFixture(
  templates: readonly Json[],
  count: number,
): Promise<PatientsFixture> {
  const start = Math.floor(Date.UTC(2023, 0, 1) / 1000);
  const stamps = Array.from({ length: count }, (_, i) =>
    iso(start + Math.floor((i * 3 * YEAR_SECONDS) / count)),
  );
  const ids = Array.from({ length: count }, (_, i) => String(BASE_ID + BigInt(i) * 7919n));
  const recordAt = (i: number, origin: string): Json => {
    const template = templates[i % templates.length] ?? {};
    const id = ids[i] ?? '';
    return {
      ...template,
      id,
      created_at: stamps[i],
      updated_at: stamps[i],
      archived_at: null,
      deleted_at: null,
      links: { self: `${origin}/v1/patients/${id}` },
    };
  };
  /** First index whose key is not before (stamp, id). */
  const lowerBound = (stamp: string, afterId?: bigint): number => {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = stamps[mid] ?? '';
      const before =
        s < stamp || (s === stamp && afterId !== undefined && BigInt(ids[mid] ?? '0') <= afterId);
      if (before) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  let origin = '';
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const perPage = Number(url.searchParams.get('per_page') ?? '50');
    const filters = url.searchParams.getAll('q[]');
    const value = (prefix: string) => filters.find((f) => f.startsWith(prefix))?.slice(prefix.length);
    let records: Json[] = [];
    let more = false;
    if (url.pathname === '/v1/patients') {
      const from = value('updated_at:>=') ?? '';
      const to = value('updated_at:<=');
      const afterId = value('id:>');
      const first = lowerBound(from, afterId === undefined ? undefined : BigInt(afterId));
      let last = first;
      while (last < count && last - first < perPage && (to === undefined || (stamps[last] ?? '') <= to))
        last += 1;
      for (let i = first; i < last; i++) records.push(recordAt(i, origin));
      more = last < count && (to === undefined || (stamps[last] ?? '') <= to);
    } else if (url.pathname !== '/v1/patients/deleted') {
      res.writeHead(404, { 'content-type': 'application/json', date: new Date().toUTCString() });
      res.end('{"message":"Not found"}');
      return;
    }
    const body = {
      patients: records,
      total_entries: more ? count : records.length,
      links: { self: url.href, ...(more ? { next: `${url.href}&page=2` } : {}) },
    };
    records = [];
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', date: new Date().toUTCString() });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `${origin}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
