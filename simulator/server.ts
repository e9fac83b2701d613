/**
 * The simulator's HTTP server: a fake Cliniko API under `/v1` plus control routes under `/__sim/`.
 *
 * Cliniko behaviour: Basic auth with the API key as username and an empty password (401
 * `HTTP Basic: Access denied.` otherwise); a `User-Agent` of the form `Name (email@domain)` (403
 * otherwise); a per-key rate limit (429 + `X-RateLimit-Reset`); a `Date` header from the simulated
 * clock on every reply; JSON bodies; HTML 404 pages for unknown routes.
 *
 * Control routes (NOT part of Cliniko, no auth, never affected by faults):
 *   GET    /__sim/health                 → {"ok":true}
 *   GET    /__sim/accounts               → [{"id","apiKey"}]
 *   GET    /__sim/changelog?after=SEQ    → {"changes":[{seq,account,resource,id,action,updated_at}]}
 *   GET|POST|DELETE /__sim/faults        → {error5xxRate,rateLimitBurst,latencyMs,malformedRate,resetRate,lateCommitMs}
 *   GET|POST /__sim/clock                → {"set":ISO} | {"advance":SECONDS} | {"realtime":true}; replies {now,frozen}
 *   GET|POST /__sim/churn                → {"perMinute":N} and/or {"steps":N} (apply N churn changes now)
 *   GET|POST /__sim/quirks               → {"enable":[…],"disable":[…]}; replies {enabled,available}
 *   POST|PATCH|DELETE /__sim/records/…   → the test backdoor (see backdoor.ts)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ApiResponse, handleApi, NOT_FOUND_PAGE } from './api.js';
import type { Churn } from './churn.js';
import type { SimClock } from './clock.js';
import { handleControl } from './control.js';
import type { Faults } from './faults.js';
import type { QuirkSet } from './quirks.js';
import type { RateLimiter } from './rate-limit.js';
import { LINK_BASE } from './resources/model.js';
import type { Account, Body, Store } from './store.js';
import type { Writer } from './writes.js';

export interface ServerDeps {
  readonly store: Store;
  readonly clock: SimClock;
  readonly writer: Writer;
  readonly faults: Faults;
  readonly rateLimiter: RateLimiter;
  readonly churn: Churn;
  readonly quirks: QuirkSet;
  readonly realNow: () => number;
}

const MAX_BODY_BYTES = 1_000_000;
/** `Name (email@domain)`, as Cliniko requires of every client. */
const USER_AGENT = /^\s*[^()\s][^()]*\(\s*[^\s()@]+@[^\s()@]+\.[^\s()@]+\s*\)\s*$/;

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class SimulatorServer {
  readonly http: Server;
  private origin = 'http://127.0.0.1';

  constructor(private readonly deps: ServerDeps) {
    this.http = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) this.send(res, { status: 500, json: { message: 'Internal simulator error' } });
        else res.destroy();
      });
    });
  }

  setOrigin(origin: string): void {
    this.origin = origin;
  }

  private get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Date', new Date(this.deps.clock.now()).toUTCString());
    const url = new URL(req.url ?? '/', this.origin);
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      const status = error instanceof BodyError ? error.status : 400;
      const message = error instanceof BodyError ? error.message : 'Could not read the request body.';
      this.send(res, { status, json: { message } });
      return;
    }
    if (url.pathname.startsWith('/__sim/')) {
      this.send(res, handleControl(this.deps, method, url.pathname, url, body));
      return;
    }
    if (url.pathname !== '/v1' && !url.pathname.startsWith('/v1/')) {
      this.send(res, { status: 404, html: NOT_FOUND_PAGE });
      return;
    }
    await this.handleApi(req, res, method, url, body);
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
    body: unknown,
  ) {
    const { faults, rateLimiter } = this.deps;
    if (faults.settings.latencyMs > 0) await sleep(faults.settings.latencyMs);
    const outcome = faults.beforeHandling();
    if (outcome === 'rate_limited') {
      this.rateLimited(res, Math.ceil(this.deps.realNow() / 1000) + 1);
      return;
    }
    if (outcome === 'error_5xx') {
      this.send(res, { status: faults.pick5xx(), json: { message: 'Something went wrong on our end.' } });
      return;
    }
    const userAgent = req.headers['user-agent'];
    if (typeof userAgent !== 'string' || !USER_AGENT.test(userAgent)) {
      this.send(res, {
        status: 403,
        json: {
          message:
            'Forbidden. Identify your application with a User-Agent like "App name (you@example.com)".',
        },
      });
      return;
    }
    const account = this.authenticate(req.headers.authorization);
    if (!account) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Application"');
      this.sendText(res, 401, 'HTTP Basic: Access denied.\n');
      return;
    }
    const decision = rateLimiter.take(account.apiKey);
    if (!decision.allowed) {
      this.rateLimited(res, decision.resetEpochSeconds);
      return;
    }
    const input: Body =
      body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {};
    const hasBadBody = body !== undefined && input !== body;
    if (hasBadBody && (method === 'POST' || method === 'PATCH' || method === 'PUT')) {
      this.send(res, { status: 400, json: { message: 'The request body must be a JSON object.' } });
      return;
    }
    const response = handleApi(
      {
        account,
        method,
        segments: url.pathname
          .split('/')
          .slice(2)
          .filter((s) => s !== ''),
        url,
        body: input,
        realNow: this.deps.realNow(),
        baseUrl: this.baseUrl,
        quirks: this.deps.quirks,
      },
      this.deps.writer,
    );
    this.send(res, response, 'json' in response ? faults.delivery() : 'intact');
  }

  private authenticate(header: string | undefined): Account | undefined {
    if (!header?.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1 || decoded.slice(colon + 1) !== '') return undefined;
    return this.deps.store.accountForKey(decoded.slice(0, colon));
  }

  private rateLimited(res: ServerResponse, resetEpochSeconds: number): void {
    res.setHeader('X-RateLimit-Reset', String(resetEpochSeconds));
    this.send(res, {
      status: 429,
      json: { message: 'Too many requests. Wait until X-RateLimit-Reset and try again.' },
    });
  }

  private sendText(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private send(
    res: ServerResponse,
    response: ApiResponse,
    delivery: 'intact' | 'malformed' | 'reset' = 'intact',
  ) {
    if (!('json' in response) && !('html' in response)) {
      res.writeHead(response.status);
      res.end();
      return;
    }
    if ('html' in response) {
      res.writeHead(response.status, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(response.html),
      });
      res.end(response.html);
      return;
    }
    const text = JSON.stringify(response.json).replaceAll(LINK_BASE, this.baseUrl);
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      ...('headers' in response ? response.headers : {}),
    };
    if (delivery === 'malformed') {
      // A 200 whose JSON stops half way: what a proxy cutting a body short looks like to a client.
      const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(cut) });
      res.end(cut);
      return;
    }
    const buffer = Buffer.from(text);
    res.writeHead(response.status, { ...headers, 'Content-Length': buffer.length });
    if (delivery === 'reset') {
      // Promise the whole body, send part of it, then drop the connection.
      res.write(buffer.subarray(0, Math.floor(buffer.length / 2)));
      setImmediate(() => res.destroy());
      return;
    }
    res.end(buffer);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, 'The request body is too large.');
    chunks.push(buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BodyError(400, 'The request body is not valid JSON.');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
