import { describe, expect, it } from 'vitest';
import { rows, type Summary, table } from '../../bench/targets.js';

const passing: Summary = {
  engine: { overheadRatio: 2.5, rereadRatio: 1.2 },
  backfill: { utilization: 0.97, recordsPerRequest: 97, status429: 0, durationSeconds: 180 },
  idle: {
    requestsPerStreamPerPoll: 1,
    requestsPerStreamPerPollAverage: 1.1,
    dynamoWritesPerStreamPerPoll: 1.2,
    putEventsPerPoll: 0,
  },
  latency: { p50Seconds: 15, p95Seconds: 29, intervalSeconds: 30 },
  memory: { rss10kMb: 170, rss100kMb: 180, ratio: 1.06, smallRecords: 10_000, largeRecords: 100_000 },
  naive: { churnPerInterval: 600, naiveLost: 800, bridgeLost: 0, changes: 6000 },
  cost: {
    usdPerMillionEvents: 2.9,
    idleUsdPerAccountMonth: 0.5,
    allStreams: { usdPerMillionEvents: 2.95, idleUsdPerAccountMonth: 0.5 },
  },
};

describe('benchmark targets', () => {
  it('passes every target a good run meets', () => {
    expect(rows(passing).filter((r) => r.verdict === 'MISS')).toEqual([]);
  });

  it('misses the 429 target on a single rate-limited answer', () => {
    const result = rows({ ...passing, backfill: { ...passing.backfill, status429: 1 } });
    expect(result.find((r) => r.measure.includes('429'))?.verdict).toBe('MISS');
  });

  it('misses the naive-peer target when the bridge loses a change', () => {
    const result = rows({ ...passing, naive: { ...passing.naive, bridgeLost: 1 } });
    expect(result.find((r) => r.measure.startsWith('naive peer'))?.verdict).toBe('MISS');
  });

  it('judges the cost of every stream apart from the default streams’', () => {
    const result = rows({
      ...passing,
      cost: { ...passing.cost, allStreams: { ...passing.cost.allStreams, usdPerMillionEvents: 3.01 } },
    });
    expect(result.filter((r) => r.verdict === 'MISS').map((r) => r.measure)).toEqual([
      'AWS cost per million events (every stream)',
    ]);
  });

  it('prints one table line per row plus a header and a rule', () => {
    expect(table(rows(passing)).split('\n')).toHaveLength(rows(passing).length + 2);
  });
});
