/**
 * Benchmark 5, memory: peak RSS of the bridge backfilling N patients, for two sizes, each in a
 * fresh bridge process against a fresh services process serving N simulator-shaped patients
 * (see patients-fixture.ts for why not the simulator itself). The engine keeps one page in
 * memory, so the ratio should stay near 1.
 */
import { runChild, startChild } from './child-process.js';

interface Services {
  readonly baseUrl: string;
  readonly apiKey: string;
}

export interface BackfillMemory {
  readonly ok: boolean;
  /** Peak RSS from the start of the backfill (`peakRssOf: 'backfill'`, Linux) or of the process. */
  readonly peakRssMb: number;
  readonly peakRssOf: 'backfill' | 'process';
  readonly peakSampledRssMb: number;
  readonly rssBeforeMb: number;
  readonly heapUsedAfterMb: number;
  /** RSS and heap after a full garbage collection at the end: what the process retains. */
  readonly rssAfterGcMb: number;
  readonly heapUsedAfterGcMb: number;
  readonly records: number;
  readonly events: number;
  readonly recordStatesWritten: number;
  readonly requests: number;
  readonly durationMs: number;
}

export interface MemoryResult {
  readonly smallRecords: number;
  readonly largeRecords: number;
  readonly small: BackfillMemory;
  readonly large: BackfillMemory;
  readonly ratio: number;
}

async function backfill(patients: number): Promise<BackfillMemory> {
  const services = await startChild<Services>(
    'services-process.ts',
    ['--patients', '100', '--appointments', '0', '--fixture-patients', String(patients)],
    120_000,
  );
  try {
    return await runChild<BackfillMemory>(
      'memory-backfill-child.ts',
      ['--base-url', services.ready.baseUrl, '--api-key', services.ready.apiKey],
      900_000,
    );
  } finally {
    await services.stop();
  }
}

export async function measureMemory(smallRecords: number, largeRecords: number): Promise<MemoryResult> {
  const small = await backfill(smallRecords);
  const large = await backfill(largeRecords);
  return {
    smallRecords,
    largeRecords,
    small,
    large,
    ratio: Math.round((large.peakRssMb / small.peakRssMb) * 1000) / 1000,
  };
}
