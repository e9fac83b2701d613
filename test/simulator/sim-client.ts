/** Small helpers for talking to a running simulator over real HTTP in tests. */
import type { RunningSimulator } from '../../simulator/index.js';

export const USER_AGENT = 'Bridge tests (tests@example.com)';

export function authHeaders(apiKey: string): Record<string, string> {
  return {
    authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
    'user-agent': USER_AGENT,
    accept: 'application/json',
  };
}

export type Rec = Record<string, unknown>;

export interface JsonReply {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON object (empty when the reply had no JSON body). */
  readonly body: Rec;
  readonly text: string;
}

/** The record array of a list reply. */
export function items(reply: JsonReply, key: string): Rec[] {
  const value = reply.body[key];
  if (!Array.isArray(value)) throw new Error(`reply has no "${key}" array (status ${reply.status})`);
  return value as Rec[];
}

/** The id at the end of a `{links:{self}}` value. */
export function linkId(value: unknown): string | undefined {
  const self = (value as { links?: { self?: string } } | null)?.links?.self;
  return self?.slice(self.lastIndexOf('/') + 1);
}

/** Calls the Cliniko API of `sim` with the first account's key (or `apiKey`). */
export async function api(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
  apiKey = sim.apiKeys[0] ?? '',
): Promise<JsonReply> {
  const response = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: {
      ...authHeaders(apiKey),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json') && text.length > 0;
  return {
    status: response.status,
    headers: response.headers,
    body: isJson ? (JSON.parse(text) as Rec) : {},
    text,
  };
}

/** Calls a `/__sim/` control route. */
export async function control(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<JsonReply> {
  const response = await fetch(`${sim.origin}/__sim/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed = text === '' ? {} : (JSON.parse(text) as Rec);
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export function q(...filters: string[]): string {
  return filters.map((f) => `q[]=${encodeURIComponent(f)}`).join('&');
}
