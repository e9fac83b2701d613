/**
 * The `/__sim/` control routes (not part of Cliniko): changelog, faults, clock, churn, quirks,
 * accounts, health and the test backdoor (`backdoor.ts`). No auth: the simulator only ever holds synthetic data and listens on loopback by default.
 */
import { BACKDOOR_PREFIX, handleBackdoor } from './backdoor.js';
import type { Churn } from './churn.js';
import { formatTimestamp, parseInstant, type SimClock } from './clock.js';
import { type Faults, parseFaultRequest } from './faults.js';
import { parseQuirkRequest, QUIRKS, type QuirkSet } from './quirks.js';
import type { Store } from './store.js';
import type { Writer } from './writes.js';

export interface ControlDeps {
  readonly store: Store;
  readonly clock: SimClock;
  readonly faults: Faults;
  readonly churn: Churn;
  readonly quirks: QuirkSet;
  readonly writer: Writer;
}

export type ControlResponse = { readonly status: number; readonly json: unknown } | { readonly status: 204 };

const bad = (message: string): ControlResponse => ({ status: 400, json: { message } });

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function quirkState(quirks: QuirkSet): ControlResponse {
  return { status: 200, json: { enabled: quirks.enabled(), available: QUIRKS } };
}

function clockState(clock: SimClock): ControlResponse {
  return { status: 200, json: { now: formatTimestamp(clock.now()), frozen: clock.frozen } };
}

export function handleControl(
  deps: ControlDeps,
  method: string,
  path: string,
  url: URL,
  body: unknown,
): ControlResponse {
  const { store, clock, faults, churn, quirks } = deps;
  if (path.startsWith(BACKDOOR_PREFIX)) return handleBackdoor(deps, method, path, url, body);
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /__sim/health':
      return { status: 200, json: { ok: true } };
    case 'GET /__sim/accounts':
      return { status: 200, json: store.accounts.map((a) => ({ id: a.id, apiKey: a.apiKey })) };
    case 'GET /__sim/changelog': {
      const after = url.searchParams.get('after') ?? '0';
      if (!/^\d+$/.test(after))
        return bad('after must be a whole number (the last seq you have seen, or 0).');
      return { status: 200, json: { changes: store.changesAfter(Number(after)) } };
    }
    case 'GET /__sim/faults':
      return { status: 200, json: faults.settings };
    case 'POST /__sim/faults': {
      const changes = parseFaultRequest(body);
      if (typeof changes === 'string') return bad(changes);
      faults.update(changes);
      store.lateCommitMs = faults.settings.lateCommitMs;
      return { status: 200, json: faults.settings };
    }
    case 'DELETE /__sim/faults':
      faults.clear();
      store.lateCommitMs = 0;
      return { status: 200, json: faults.settings };
    case 'GET /__sim/clock':
      return clockState(clock);
    case 'POST /__sim/clock':
      return setClock(clock, body);
    case 'GET /__sim/quirks':
      return quirkState(quirks);
    case 'POST /__sim/quirks': {
      const change = parseQuirkRequest(body);
      if (typeof change === 'string') return bad(change);
      quirks.enable(change.enable);
      quirks.disable(change.disable);
      return quirkState(quirks);
    }
    case 'GET /__sim/churn':
      return { status: 200, json: { perMinute: churn.perMinute } };
    case 'POST /__sim/churn': {
      if (!isObject(body)) return bad('Send {"perMinute":N} (0 turns churn off) and/or {"steps":N}.');
      const { perMinute, steps, ...other } = body;
      if (Object.keys(other).length > 0 || (perMinute === undefined && steps === undefined)) {
        return bad('Send {"perMinute":N} (0 turns churn off) and/or {"steps":N}.');
      }
      if (perMinute !== undefined && !isCount(perMinute, 600_000))
        return bad('perMinute must be a whole number from 0 to 600000.');
      if (steps !== undefined && !isCount(steps, 100_000))
        return bad('steps must be a whole number from 0 to 100000.');
      if (typeof perMinute === 'number') churn.setRate(perMinute);
      const applied = typeof steps === 'number' ? churn.run(steps) : 0;
      return { status: 200, json: { perMinute: churn.perMinute, applied } };
    }
    default:
      return { status: 404, json: { message: `No simulator control route ${route}.` } };
  }
}

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

function setClock(clock: SimClock, body: unknown): ControlResponse {
  const usage = 'Send {"set":"2026-01-01T00:00:00Z"}, {"advance":SECONDS} or {"realtime":true}.';
  if (!isObject(body) || Object.keys(body).length !== 1) return bad(usage);
  if ('set' in body) {
    const at = typeof body.set === 'string' ? parseInstant(body.set) : undefined;
    if (at === undefined) return bad(`set must be an ISO instant with a zone. ${usage}`);
    clock.set(at);
  } else if ('advance' in body) {
    if (typeof body.advance !== 'number' || !Number.isFinite(body.advance))
      return bad(`advance must be a number. ${usage}`);
    clock.advance(body.advance);
  } else if (body.realtime === true) {
    clock.realtime();
  } else {
    return bad(usage);
  }
  return clockState(clock);
}
