/** Test helper: talks to a simulator over HTTP the way a Cliniko client would. */
import { findStream, type ListSource } from '../../shared/streams.js';

export const TEST_USER_AGENT = 'Test (t@example.com)';

export interface SimulatorAccess {
  readonly baseUrl: string;
  readonly origin: string;
  readonly apiKey: string;
}

export async function simRequest(
  sim: SimulatorAccess,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${sim.apiKey}:`).toString('base64')}`,
      'user-agent': TEST_USER_AGENT,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}`);
  const text = await response.text();
  return text === '' ? undefined : JSON.parse(text);
}

/** Every id of a list resource, hidden (archived/cancelled) records included. */
export async function allIds(
  sim: SimulatorAccess,
  resource: string,
  reveal: readonly string[],
  list: ListSource = { path: `/${resource}`, arrayKey: resource },
): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page += 1) {
    const query = [
      ...reveal.map((f) => `q[]=${encodeURIComponent(f)}`),
      'per_page=100',
      'sort=id',
      `page=${page}`,
    ];
    const body = (await simRequest(sim, 'GET', `${list.path}?${query.join('&')}`)) as Record<string, unknown>;
    const records = body[list.arrayKey] as { id: string }[];
    ids.push(...records.map((r) => String(r.id)));
    if (!(body.links as { next?: string }).next) return ids;
  }
}

/** Every id a stream's lists show: hidden records revealed, further lists (inactive practitioners) too. */
export async function streamIds(sim: SimulatorAccess, name: string): Promise<string[]> {
  const stream = findStream(name);
  if (stream === undefined) throw new Error(`unknown stream ${name}`);
  const ids = await allIds(sim, name, stream.revealFilters);
  for (const list of stream.extraLists ?? []) ids.push(...(await allIds(sim, name, [], list)));
  return ids;
}

export interface ChangelogEntry {
  readonly seq: number;
  readonly resource: string;
  readonly id: string;
  readonly action: string;
}

export async function changelog(sim: SimulatorAccess, after = 0): Promise<ChangelogEntry[]> {
  const response = await fetch(`${sim.origin}/__sim/changelog?after=${after}`);
  return ((await response.json()) as { changes: ChangelogEntry[] }).changes;
}
