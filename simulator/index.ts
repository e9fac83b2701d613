/**
 * The Cliniko simulator, in process: `startSimulator()` seeds the accounts, starts the HTTP server
 * and resolves once it is listening. See `server.ts` for the routes and README.md, "The Cliniko
 * simulator", for the contract.
 *
 * @example
 *   const sim = await startSimulator({ seed: 1, patients: 50 });
 *   await fetch(`${sim.baseUrl}/patients`, { headers: { authorization: basic(sim.apiKeys[0]), 'user-agent': 'Me (me@example.com)' } });
 *   await sim.close();
 */
import type { AddressInfo } from 'node:net';
import { Churn } from './churn.js';
import { ControllableClock, type SimClock } from './clock.js';
import { Faults } from './faults.js';
import { type Quirk, QuirkSet, unknownQuirkMessage, unknownQuirks } from './quirks.js';
import { RateLimiter } from './rate-limit.js';
import { seedAccounts } from './seed.js';
import { SimulatorServer } from './server.js';
import { type ChangeEntry, Store } from './store.js';
import { Writer } from './writes.js';

export type { SimClock } from './clock.js';
export { ControllableClock } from './clock.js';
export { DERIVED_FIELDS } from './derived-fields.js';
export {
  isQuirk,
  parseQuirkList,
  QUIRK_SUMMARIES,
  QUIRKS,
  type Quirk,
  QuirkSet,
  unknownQuirkMessage,
} from './quirks.js';
export type { ChangeEntry } from './store.js';

export interface SimulatorOptions {
  /** @default '127.0.0.1' */
  host?: string | undefined;
  /** @default 0 (a free port) */
  port?: number | undefined;
  /** @default 1 */
  seed?: number | undefined;
  /** Isolated accounts, each with its own key and data. @default 1 */
  accounts?: number | undefined;
  /** Patients per account. @default 100 */
  patients?: number | undefined;
  /** Individual appointments per account (other resources scale from these two). @default 200 */
  appointments?: number | undefined;
  /** Background changes per minute across all accounts. @default 0 (off) */
  churnPerMinute?: number | undefined;
  /** Requests per minute per API key. @default 200 */
  rateLimitPerMinute?: number | undefined;
  /** Stamps writes and the `Date` header. @default a real-time ControllableClock */
  clock?: SimClock | undefined;
  /** Cliniko quirks to start with (see `quirks.ts`). @default [] (the contract's reading) */
  quirks?: readonly Quirk[] | undefined;
}

export interface RunningSimulator {
  /** `http://127.0.0.1:PORT/v1` */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT` (control routes live under `${origin}/__sim/`). */
  readonly origin: string;
  readonly apiKeys: readonly string[];
  readonly accounts: readonly { id: string; apiKey: string }[];
  readonly clock: SimClock;
  /** The quirks in force; changing them applies to the next request (like `POST /__sim/quirks`). */
  readonly quirks: QuirkSet;
  /** Applies `steps` churn changes at once (deterministic for the seed); returns how many wrote. */
  churn(steps: number): number;
  /** The changelog after `seq` (0 = from the start), as `GET /__sim/changelog` returns it. */
  changes(after?: number): readonly ChangeEntry[];
  close(): Promise<void>;
}

export const SIMULATOR_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  seed: 1,
  accounts: 1,
  patients: 100,
  appointments: 200,
  churnPerMinute: 0,
  rateLimitPerMinute: 200,
} as const;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const o = { ...SIMULATOR_DEFAULTS, ...stripUndefined(options) };
  const unknown = unknownQuirks(options.quirks ?? []);
  if (unknown.length > 0) throw new RangeError(unknownQuirkMessage(unknown));
  const quirks = new QuirkSet(options.quirks ?? []);
  const clock = options.clock ?? new ControllableClock();
  const realNow = Date.now;
  const store = new Store(realNow);
  seedAccounts(
    store,
    o.seed,
    { accounts: o.accounts, patients: o.patients, appointments: o.appointments },
    clock.now(),
  );
  const writer = new Writer(store, clock, quirks);
  const churn = new Churn(store, writer, clock, quirks, o.seed, realNow);
  const server = new SimulatorServer({
    store,
    clock,
    writer,
    faults: new Faults(o.seed),
    rateLimiter: new RateLimiter(o.rateLimitPerMinute, realNow),
    churn,
    quirks,
    realNow,
  });
  await new Promise<void>((resolve, reject) => {
    server.http.once('error', reject);
    server.http.listen(o.port, o.host, () => {
      server.http.off('error', reject);
      resolve();
    });
  });
  const { port } = server.http.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const origin = `http://${host}:${port}`;
  server.setOrigin(origin);
  churn.setRate(o.churnPerMinute);
  const accounts = store.accounts.map((a) => ({ id: a.id, apiKey: a.apiKey }));
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `${origin}/v1`,
    origin,
    apiKeys: accounts.map((a) => a.apiKey),
    accounts,
    clock,
    quirks,
    churn: (steps) => churn.run(steps),
    changes: (after = 0) => store.changesAfter(after),
    close() {
      closing ??= new Promise<void>((resolve) => {
        churn.stop();
        server.http.close(() => resolve());
        server.http.closeAllConnections();
      });
      return closing;
    },
  };
}

/** `value` without its undefined members, so spreading it over defaults keeps the defaults. */
function stripUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
