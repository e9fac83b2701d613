/**
 * The dispatcher Lambda: EventBridge Scheduler invokes it every minute. Each tick reads the account
 * registry and the statuses kept with the leases, hands the accounts whose slot falls in the coming
 * minute to the work queue (delayed to their slot), and reports the fleet's health as metrics —
 * registered, paused, dispatched, overdue (no success for three intervals: a broken account alarms
 * even while the others run), failing, and the worst lag — plus one log line naming the overdue and
 * failing accounts. On its first tick a container seeds the registry from the deployed
 * configuration's `accounts` (see `seedRegistry`).
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { BridgeConfig } from '../../shared/config/index.js';
import type { AccountStatusReader } from '../../shared/engine/ports.js';
import { safeErrorFields } from '../../shared/errors.js';
import { Dispatcher } from '../../shared/fleet/dispatcher.js';
import type { AccountRegistry } from '../../shared/fleet/registry.js';
import type { TickPlan } from '../../shared/fleet/schedule.js';
import type { WorkQueue } from '../../shared/fleet/work-queue.js';
import { DISPATCHER_METRICS, METRIC_NAMESPACE, SERVICES } from '../poller/poll-metrics.js';
import { awsDispatcherDeps } from './aws-deps.js';
import type { DispatcherEnvironment } from './dispatcher-environment.js';

/** EventBridge Scheduler's shortest rate: the dispatcher's tick. */
export const TICK_MS = 60_000;
/** Overdue and failing account ids named in one log line at most. */
const NAMED_ACCOUNTS = 50;

export interface DispatcherDeps {
  readonly environment: () => DispatcherEnvironment;
  readonly loadConfig: (environment: DispatcherEnvironment) => Promise<BridgeConfig>;
  readonly createRegistry: (environment: DispatcherEnvironment) => AccountRegistry;
  readonly createStatusReader: (environment: DispatcherEnvironment) => AccountStatusReader;
  readonly createQueue: (environment: DispatcherEnvironment) => WorkQueue;
  /** Brings the registry in line with the configuration's accounts; returns counts for the log. */
  readonly seed: (
    registry: AccountRegistry,
    config: BridgeConfig,
    environment: DispatcherEnvironment,
  ) => Promise<Record<string, number>>;
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
  readonly now?: () => number;
}

export interface DispatchResult {
  readonly registered: number;
  readonly dispatched: number;
  readonly overdue: number;
}

export type DispatcherHandler = MiddyfiedHandler<unknown, DispatchResult, Error, Context>;

export function makeDispatcher(deps: DispatcherDeps): DispatcherHandler {
  const { logger, metrics } = deps;
  let ready: Promise<Dispatcher> | undefined;

  const start = async (): Promise<Dispatcher> => {
    const environment = deps.environment();
    const config = await deps.loadConfig(environment);
    const registry = deps.createRegistry(environment);
    const seeded = await deps.seed(registry, config, environment);
    logger.info('registry seeded from the deployed configuration', seeded);
    return new Dispatcher({
      registry,
      statuses: deps.createStatusReader(environment),
      queue: deps.createQueue(environment),
      intervalMs: config.pollRateMinutes * 60_000,
      tickMs: TICK_MS,
      // An adaptive worker keeps its account until shortly before its timeout, then hands it on.
      leaveHeld: config.polling.mode === 'adaptive',
      ...(deps.now ? { now: deps.now } : {}),
    });
  };

  const dispatch = async (): Promise<DispatchResult> => {
    if (ready === undefined) {
      const starting = start();
      starting.catch(() => {
        if (ready === starting) ready = undefined;
      });
      ready = starting;
    }
    let plan: TickPlan;
    try {
      plan = await (await ready).tick();
    } catch (error) {
      logger.error('dispatch failed; the next tick tries again', safeErrorFields(error));
      throw error;
    }
    record(plan);
    return { registered: plan.registered, dispatched: plan.runs.length, overdue: plan.overdue.length };
  };

  const record = (plan: TickPlan): void => {
    metrics.addMetric(DISPATCHER_METRICS.registered, MetricUnit.Count, plan.registered);
    metrics.addMetric(DISPATCHER_METRICS.paused, MetricUnit.Count, plan.paused);
    metrics.addMetric(DISPATCHER_METRICS.dispatched, MetricUnit.Count, plan.runs.length);
    metrics.addMetric(DISPATCHER_METRICS.overdue, MetricUnit.Count, plan.overdue.length);
    metrics.addMetric(DISPATCHER_METRICS.failing, MetricUnit.Count, plan.failing.length);
    if (plan.worstLagSeconds !== null)
      metrics.addMetric(DISPATCHER_METRICS.worstLagSeconds, MetricUnit.Seconds, plan.worstLagSeconds);
    const fields = {
      registered: plan.registered,
      paused: plan.paused,
      held: plan.held,
      dispatched: plan.runs.length,
      worstLagSeconds: plan.worstLagSeconds,
      overdue: plan.overdue.slice(0, NAMED_ACCOUNTS),
      failing: plan.failing.slice(0, NAMED_ACCOUNTS),
    };
    if (plan.overdue.length > 0) logger.warn('dispatched; some accounts are overdue', fields);
    else logger.info('dispatched', fields);
  };

  return middy(dispatch)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

const logger = new PowertoolsLogger({ serviceName: SERVICES.dispatcher });
const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICES.dispatcher });

export const handler: DispatcherHandler = makeDispatcher(
  awsDispatcherDeps({ logger, metrics, env: process.env }),
);
