/**
 * A tiny crafted HTTP server for faults the simulator cannot produce (HTML pages, hostile links,
 * missing Date headers…). Each test scripts the answers; the server records what it received.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenBucket } from '../../../shared/cliniko/token-bucket.js';

export interface ReceivedRequest {
  readonly method: string;
  /** Raw request target: path plus query string, exactly as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

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
  const received: ReceivedRequest[] = [];
  let responders: Responder[] = [json(200, {})];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = received.push(request) - 1;
      const responder = responders[Math.min(index, responders.length - 1)];
      if (responder) responder(res, request, index);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}/v1`,
    received,
    script: (...next) => {
      responders = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
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
