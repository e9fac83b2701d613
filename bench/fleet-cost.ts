/**
 * The fleet's monthly cost per account, per-event costs excluded (EventBridge entries and the record
 * writes behind them are `cost.usdPerMillionEvents`): what the fleet benchmark measured per account
 * poll (Lambda duration, DynamoDB request units, log bytes), what the synthesized stack declares
 * (alarms, dashboards, the work queue's batch size) and what the code emits (custom metric names),
 * at the same us-east-1 list prices as the rest of the cost model. Free tiers are ignored.
 *
 * Assumptions that were not measured are named in `assumptions`, so a reader can redo the sum.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DISPATCHER_METRICS, eventMetric, POLLER_METRICS } from '../functions/poller/poll-metrics.js';
import { buildBridgeApp } from '../infra/bridge-app.js';
import { type BridgeConfig, parseBridgeConfig } from '../shared/config/index.js';
import { ACTIONS } from '../shared/events/contract.js';
import { LAMBDA_MEMORY_MB, PRICES } from './cost-model.js';
import type { FleetResult } from './fleet.js';

/** Further list prices (us-east-1, USD), beside `PRICES`. */
export const FLEET_PRICES = {
  alarmMonth: 0.1,
  dashboardMonth: 3.0,
  customMetricMonth: 0.3,
  logsIngestedGb: 0.5,
  sqsRequest: 0.4 / 1e6,
  secretMonth: 0.4,
  /** SSM Parameter Store standard parameter (SecureString included), standard throughput. */
  ssmParameterMonth: 0,
  kmsKeyMonth: 1.0,
} as const;

const DISPATCHER_MEMORY_MB = 256;
const MINUTES_PER_MONTH = 30 * 24 * 60;
/** Lambda's SQS event source long-polls with this many connections when the queue is idle (20 s waits). */
const SQS_EVENT_SOURCE_POLLERS = 5;

export interface StackCounts {
  readonly alarms: number;
  readonly dashboards: number;
  readonly customMetrics: number;
  readonly kmsKeys: number;
  readonly accountsPerInvocation: number;
  /** The poller's event source `MaximumBatchingWindowInSeconds` (0 when unset). */
  readonly batchingWindowSeconds: number;
}

/** Counts what the deployed stack would bill every month whatever the fleet's size. */
export function stackCounts(config: BridgeConfig): StackCounts {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(buildBridgeApp(app, config)).toJSON() as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  };
  const count = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type).length;
  // Every metric carries only the `service` dimension: one billed metric per name.
  const poller = new Set([...Object.values(POLLER_METRICS), ...ACTIONS.map(eventMetric)]);
  return {
    alarms: count('AWS::CloudWatch::Alarm'),
    dashboards: count('AWS::CloudWatch::Dashboard'),
    customMetrics: poller.size + Object.values(DISPATCHER_METRICS).length,
    kmsKeys: count('AWS::KMS::Key'),
    accountsPerInvocation: config.fleet.accountsPerInvocation,
    batchingWindowSeconds: Number(
      Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')?.Properties
        ?.MaximumBatchingWindowInSeconds ?? 0,
    ),
  };
}

export interface FleetCost {
  readonly accounts: number;
  readonly pollsPerAccountMonth: number;
  /** Per account and month, USD, with the API keys in Secrets Manager. */
  readonly usdPerAccountMonth: number;
  /** The same with the keys as SSM SecureString standard parameters. */
  readonly usdPerAccountMonthWithSsmKeys: number;
  readonly perAccountMonth: Readonly<Record<string, number>>;
  readonly stack: StackCounts;
  readonly assumptions: readonly string[];
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

export function fleetCost(fleet: FleetResult, stack: StackCounts): FleetCost {
  const n = fleet.accounts;
  const polls = MINUTES_PER_MONTH / (fleet.intervalSeconds / 60);
  const poll = fleet.perAccountPoll;
  const gb = LAMBDA_MEMORY_MB / 1024;
  // The event source waits up to its batching window to fill a batch, and the poller polls a batch's
  // accounts concurrently: an invocation lasts about as long as one account poll, shared by the batch.
  const arrivalsPerSecond = n / fleet.intervalSeconds;
  const batch = Math.max(
    1,
    Math.min(stack.accountsPerInvocation, arrivalsPerSecond * stack.batchingWindowSeconds),
  );
  const invocationsPerPoll = 1 / batch;
  // The dispatcher: a tick a minute reads the registry (one Query) and every account's lease
  // (BatchGetItem, eventually consistent: half a unit per item under 4 KB).
  const dispatcherRru = Math.ceil((n * 300) / 4096) + n * 0.5;
  const dispatcherSeconds = fleet.dispatcherTickMs / 1000;
  const fixedMonth = {
    alarms: stack.alarms * FLEET_PRICES.alarmMonth,
    dashboards: stack.dashboards * FLEET_PRICES.dashboardMonth,
    customMetrics: stack.customMetrics * FLEET_PRICES.customMetricMonth,
    kmsKeys: stack.kmsKeys * FLEET_PRICES.kmsKeyMonth,
    dispatcher:
      MINUTES_PER_MONTH *
      (PRICES.lambdaRequest +
        PRICES.schedulerInvocation +
        dispatcherSeconds * (DISPATCHER_MEMORY_MB / 1024) * PRICES.lambdaArmGbSecond +
        dispatcherRru * PRICES.dynamoReadRequestUnit),
    idleQueuePolling: SQS_EVENT_SOURCE_POLLERS * 3 * MINUTES_PER_MONTH * FLEET_PRICES.sqsRequest,
  };
  const fixedPerAccount = Object.values(fixedMonth).reduce((a, b) => a + b, 0) / n;
  const perAccount: Record<string, number> = {
    pollerCompute: polls * invocationsPerPoll * (poll.durationMs / 1000) * gb * PRICES.lambdaArmGbSecond,
    pollerRequests: polls * invocationsPerPoll * PRICES.lambdaRequest,
    // Send (batched by the dispatcher), receive and delete (batched by the event source).
    workQueue: polls * 3 * invocationsPerPoll * FLEET_PRICES.sqsRequest,
    dynamoReads: polls * poll.rru * PRICES.dynamoReadRequestUnit,
    dynamoWrites: polls * poll.wru * PRICES.dynamoWriteRequestUnit,
    logs: ((polls * poll.logBytes) / 1024 ** 3) * FLEET_PRICES.logsIngestedGb,
    fleetShare: fixedPerAccount,
  };
  const withoutKey = Object.values(perAccount).reduce((a, b) => a + b, 0);
  return {
    accounts: n,
    pollsPerAccountMonth: polls,
    usdPerAccountMonth: round(withoutKey + FLEET_PRICES.secretMonth, 3),
    usdPerAccountMonthWithSsmKeys: round(withoutKey + FLEET_PRICES.ssmParameterMonth, 3),
    perAccountMonth: Object.fromEntries(
      Object.entries({ ...perAccount, apiKeySecret: FLEET_PRICES.secretMonth }).map(([k, v]) => [
        k,
        round(v),
      ]),
    ),
    stack,
    assumptions: [
      `Lambda billed for the measured wall time of an account poll (${poll.durationMs} ms, mostly waiting for the account's rate budget, on a shared 2-core machine running ${fleet.concurrency} polls at once) per invocation, at ${LAMBDA_MEMORY_MB} MB; an invocation polls its batch concurrently, and batches hold min(${stack.accountsPerInvocation}, accounts due per second × the ${stack.batchingWindowSeconds} s batching window) = ${round(batch, 2)} accounts (modelled, not measured)`,
      `dispatcher: one tick a minute of ${fleet.dispatcherTickMs} ms (measured here) at ${DISPATCHER_MEMORY_MB} MB; registry items taken as 300 bytes`,
      `${SQS_EVENT_SOURCE_POLLERS} idle long-polling connections of the SQS event source (20 s waits)`,
      'CloudWatch Logs: ingestion only (storage and Logs Insights queries extra); log bytes = Powertools envelope + message + attributes + 26 bytes per event',
      'KMS: the key itself; its requests are cached by SQS (5-minute data key reuse) and DynamoDB, and not counted',
      'Secrets Manager: $0.40 a secret a month; its API calls (one per account per warm worker) not counted',
      'per-event costs (EventBridge entries and record-state writes of changes) excluded: see usdPerMillionEvents',
    ],
  };
}

/** A configuration for counting the stack: the example's settings, one account. */
export function exampleStackConfig(): BridgeConfig {
  const example = JSON.parse(
    readFileSync(new URL('../config/bridge.example.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  return parseBridgeConfig({ ...example, accounts: [{ id: 'clinic-1', apiKeySecret: 'cliniko/clinic-1' }] });
}
