/**
 * The measured bridge of the memory benchmark: one process that backfills the `patients` stream
 * from a simulator in another process, then prints its peak RSS as one JSON line. Events go to a
 * counting sink (EventBridge would take them off the process); record states go to a store that
 * keeps none (DynamoDB would hold them): dynalite, which holds them in memory and slows down past
 * ~50k items, would otherwise dominate both the time and what is measured.
 *
 *   tsx bench/memory-backfill-child.ts --base-url URL --api-key KEY
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ephemeralContentKeyRing } from '../shared/engine/content-key.js';
import { syncAccount } from '../shared/engine/sync.js';
import { findStream } from '../shared/streams.js';
import { BENCH_ACCOUNT, benchClient, benchSyncOptions, silentLogger } from './bridge-wiring.js';
import { FirstBackfillStateStore } from './first-backfill-state-store.js';
import { SinkRecorder } from './sink-recorder.js';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    'api-key': { type: 'string' },
  },
});
const patients = findStream('patients');
if (values['base-url'] === undefined || values['api-key'] === undefined) {
  throw new Error('memory-backfill-child needs --base-url and --api-key');
}
if (patients === undefined) throw new Error('the patients stream is missing from the registry');

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const client = benchClient({
  baseUrl: values['base-url'],
  apiKey: values['api-key'],
  ratePerMinute: 1_000_000,
  capacity: 1_000,
});
const state = new FirstBackfillStateStore();
const sink = new SinkRecorder();
/**
 * Linux keeps a process's peak RSS (VmHWM) and lets the process reset it: resetting it here,
 * after start-up, makes the peak that of the backfill, not of compiling the TypeScript on load
 * (which alone peaks above a 10k backfill). Elsewhere the process-wide peak is all there is.
 */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRssMb(sinceReset: boolean): number {
  const status = sinceReset ? readFileSync('/proc/self/status', 'utf8') : '';
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  return mb(kb === undefined ? process.resourceUsage().maxRSS * 1024 : Number(kb) * 1024);
}

const rssBeforeMb = mb(process.memoryUsage().rss);
const sinceReset = resetPeakRss();
let peakSampledMb = rssBeforeMb;
const sampler = setInterval(() => {
  peakSampledMb = Math.max(peakSampledMb, mb(process.memoryUsage().rss));
}, 100);
const started = Date.now();
const report = await syncAccount(
  { cliniko: client, keys: ephemeralContentKeyRing(), state, publisher: sink, logger: silentLogger },
  benchSyncOptions({ account: BENCH_ACCOUNT, streams: [patients], reconcileIntervalSeconds: null }),
);
const durationMs = Date.now() - started;
clearInterval(sampler);
const peak = peakRssMb(sinceReset);
const stream = report.streams[0];
const heapUsedAfterMb = mb(process.memoryUsage().heapUsed);
// Peak RSS includes garbage V8 had not yet collected (its heap grows with allocation pressure);
// what stays after a full collection is what the engine actually retains.
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;
collect();
const afterGc = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    ok: report.ok,
    peakRssMb: peak,
    peakRssOf: sinceReset ? 'backfill' : 'process',
    peakSampledRssMb: peakSampledMb,
    rssBeforeMb,
    heapUsedAfterMb,
    rssAfterGcMb: mb(afterGc.rss),
    heapUsedAfterGcMb: mb(afterGc.heapUsed),
    records: stream?.records ?? 0,
    events: sink.counts.events,
    recordStatesWritten: state.recordWrites,
    requests: client.stats.requests,
    durationMs,
  })}\n`,
);
await client.close();
