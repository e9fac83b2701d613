/**
 * A tiny crafted HTTP server for faults the simulator cannot produce (HTML pages, hostile links,
 * missing Date headers…). Each test scripts the answers; the server records what it received.
 */
import type { ServerResponse } from 'node:http';
import { TokenBucket } from '../../../shared/cliniko/token-bucket.js';
import { type ReceivedRequest, startScriptedServer } from '../../support/scripted-server.js';

export type { ReceivedRequest } from '../../support/scripted-server.js';

export type Responder = (res: ServerResponse, req: ReceivedRequest, index: number) => void;

export interface FakeCliniko {
  readonly origin: string;
  readonly baseUrl: string;
  readonly received: ReceivedRequest[];
  /** Answers requests in order; the last responder answers every request after it. */
  script(...responders: Responder[]): void;
  close(): Promise<void>;
}

export async function startFakeCliniko(): Promise<FakeCliniko> {
  let responders: Responder[] = [json(200, {})];
  const server = await startScriptedServer((res, request, index) => {
    responders[Math.min(index, responders.length - 1)]?.(res, request, index);
  });
  return {
    ...server,
    baseUrl: `${server.origin}/v1`,
    script: (...next) => {
      responders = next;
    },
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Responder {
  return raw(status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

/** When the fake clock starts; scripted answers carry it as their `Date` unless they set one. */
export const FAKE_START = Date.UTC(2026, 10, 29, 10, 0, 0);

export function raw(status: number, body: string, headers: Record<string, string> = {}): Responder {
  const dated = Object.keys(headers).some((name) => name.toLowerCase() === 'date')
    ? headers
    : { date: new Date(FAKE_START).toUTCString(), ...headers };
  return (res) => {
    res.writeHead(status, dated);
    res.end(body);
  };
}

/**
 * A fake clock whose sleeps advance time instantly, shared by the client and its bucket. It starts
 * at `FAKE_START`, the `Date` of scripted answers (the client refuses a `Date` far from its clock).
 */
export function fakeTime(start = FAKE_START) {
  const state = { now: start, slept: [] as number[] };
  const now = () => state.now;
  const sleep = async (ms: number) => {
    state.slept.push(ms);
    state.now += ms;
  };
  return {
    state,
    now,
    sleep,
    bucket: new TokenBucket({ ratePerMinute: 60_000, capacity: 1_000, now, sleep }),
  };
}

export const USER_AGENT = 'Bridge Tests (tests@bridge.example)';
