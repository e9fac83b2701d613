/**
 * Benchmark 7, cost model: AWS list prices (us-east-1) applied to counts the other benchmarks
 * measured: Lambda GB-seconds and requests, DynamoDB on-demand read/write request units,
 * EventBridge custom events (per 64 KB chunk) and EventBridge Scheduler invocations.
 * Free tiers are ignored (a conservative, account-independent figure).
 */
import type { IdleResult } from './idle-cost.js';
import type { LatencyResult } from './latency.js';

/** List prices, us-east-1, USD. Check https://aws.amazon.com/{lambda,dynamodb,eventbridge}/pricing/ before quoting. */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  dynamoWriteRequestUnit: 0.625 / 1e6,
  dynamoReadRequestUnit: 0.125 / 1e6,
  eventBridgeCustomEventChunk: 1.0 / 1e6,
  schedulerInvocation: 1.0 / 1e6,
  sqsRequest: 0.4 / 1e6,
} as const;

export const PRICES_AS_OF =
  '2025-01 list prices, us-east-1 (Lambda arm64 GB-s and requests; DynamoDB on-demand after the 2024-11-01 reduction; EventBridge custom events per 64 KB chunk; Scheduler after its 14M/month free tier)';

/** The poller Lambda's configured memory (infra/poller.ts default). */
export const LAMBDA_MEMORY_MB = 512;

export interface CostBreakdown {
  readonly lambdaCompute: number;
  readonly lambdaRequests: number;
  readonly dynamoReads: number;
  readonly dynamoWrites: number;
  readonly eventBridge: number;
  readonly scheduler: number;
}

export interface CostResult {
  readonly usdPerMillionEvents: number;
  readonly perMillionEvents: CostBreakdown;
  /** Measured inputs behind the figure, per million events. */
  readonly usagePerMillionEvents: {
    readonly lambdaGbSeconds: number;
    readonly invocations: number;
    readonly rru: number;
    readonly wru: number;
    readonly eventBridgeChunks: number;
  };
  /** One account polled every minute with nothing changing, per 30-day month. */
  readonly idleUsdPerAccountMonth: number;
  readonly lambdaMemoryMb: number;
  readonly prices: typeof PRICES;
  readonly pricesAsOf: string;
  readonly source: string;
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

export function costModel(latency: LatencyResult, idle: IdleResult): CostResult {
  const { usage } = latency;
  const events = Math.max(1, usage.sink.events);
  const scale = 1e6 / events;
  const gb = LAMBDA_MEMORY_MB / 1024;
  const gbSeconds = (usage.durationMs / 1000) * gb * scale;
  const invocations = usage.polls * scale;
  const rru = usage.traffic.rru * scale;
  const wru = usage.traffic.wru * scale;
  const chunks = usage.sink.chunks * scale;
  const breakdown: CostBreakdown = {
    lambdaCompute: round(gbSeconds * PRICES.lambdaArmGbSecond),
    lambdaRequests: round(invocations * PRICES.lambdaRequest),
    dynamoReads: round(rru * PRICES.dynamoReadRequestUnit),
    dynamoWrites: round(wru * PRICES.dynamoWriteRequestUnit),
    eventBridge: round(chunks * PRICES.eventBridgeCustomEventChunk),
    scheduler: round(invocations * PRICES.schedulerInvocation),
  };
  const pollsPerMonth = 30 * 24 * 60;
  const idlePolls = Math.max(1, idle.perPoll.length);
  const idleSum = idle.perPoll.reduce(
    (sum, p) => ({ ms: sum.ms + p.durationMs, rru: sum.rru + p.rru, wru: sum.wru + p.wru }),
    { ms: 0, rru: 0, wru: 0 },
  );
  const idlePerPoll =
    (idleSum.ms / idlePolls / 1000) * gb * PRICES.lambdaArmGbSecond +
    PRICES.lambdaRequest +
    PRICES.schedulerInvocation +
    (idleSum.rru / idlePolls) * PRICES.dynamoReadRequestUnit +
    (idleSum.wru / idlePolls) * PRICES.dynamoWriteRequestUnit;
  return {
    usdPerMillionEvents: round(
      Object.values(breakdown).reduce((a, b) => a + b, 0),
      2,
    ),
    perMillionEvents: breakdown,
    usagePerMillionEvents: {
      lambdaGbSeconds: Math.round(gbSeconds),
      invocations: Math.round(invocations),
      rru: Math.round(rru),
      wru: Math.round(wru),
      eventBridgeChunks: Math.round(chunks),
    },
    idleUsdPerAccountMonth: round(idlePerPoll * pollsPerMonth, 3),
    lambdaMemoryMb: LAMBDA_MEMORY_MB,
    prices: PRICES,
    pricesAsOf: PRICES_AS_OF,
    source: `measured in the latency benchmark on the ${latency.streams === 'core' ? 'default (core)' : 'every'} stream${latency.streams === 'core' ? 's' : ''} (steady churn, scheduled polls, dynalite state)`,
  };
}

/** Minutes in an average month (365.25 days / 12). */
const MINUTES_PER_MONTH = 43_830;

export interface AdaptiveIdleCost {
  readonly usdPerIdleAccountMonth: number;
  readonly breakdown: {
    readonly lambdaCompute: number;
    readonly lambdaRequests: number;
    readonly dynamo: number;
    readonly sqs: number;
  };
  readonly accountsPerInvocation: number;
  readonly lambdaMemoryMb: number;
}

/**
 * What an idle account costs a month with `polling.mode: adaptive`: the worker's wall time (Lambda
 * bills duration, and a looping invocation waits between rounds), shared by the accounts of one
 * invocation; one invocation per loop; the DynamoDB traffic measured in the silence; and the
 * dispatcher's hand-out every minute (SQS send, receive, delete; the worker that finds the account
 * held skips it with one failed conditional write).
 */
export function adaptiveIdleCost(
  measured: {
    readonly invocationSeconds: number;
    readonly idlePerAccountMinute: { readonly wru: number; readonly rru: number };
  },
  accountsPerInvocation: number,
): AdaptiveIdleCost {
  const gb = LAMBDA_MEMORY_MB / 1024;
  const lambdaCompute = (gb * 60 * MINUTES_PER_MONTH * PRICES.lambdaArmGbSecond) / accountsPerInvocation;
  const loops = (MINUTES_PER_MONTH * 60) / (measured.invocationSeconds - 30);
  // A batch of hand-outs per minute (one skip invocation) besides the loops themselves.
  const lambdaRequests = ((loops + MINUTES_PER_MONTH) / accountsPerInvocation) * PRICES.lambdaRequest;
  const dynamo =
    MINUTES_PER_MONTH *
    ((measured.idlePerAccountMinute.wru + 1) * PRICES.dynamoWriteRequestUnit +
      measured.idlePerAccountMinute.rru * PRICES.dynamoReadRequestUnit);
  const sqs = MINUTES_PER_MONTH * 3 * PRICES.sqsRequest;
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    usdPerIdleAccountMonth: r(lambdaCompute + lambdaRequests + dynamo + sqs),
    breakdown: {
      lambdaCompute: r(lambdaCompute),
      lambdaRequests: r(lambdaRequests),
      dynamo: r(dynamo),
      sqs: r(sqs),
    },
    accountsPerInvocation,
    lambdaMemoryMb: LAMBDA_MEMORY_MB,
  };
}
