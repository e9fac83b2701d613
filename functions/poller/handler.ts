/**
 * The poller Lambda: EventBridge Scheduler invokes it per account with `{"account": "<id>"}` (or
 * `{"account": "<id>", "task": "reconcile"}`); it runs the sync engine for that account until caught
 * up or close to its deadline, then reports counts as metrics and one log line.
 *
 * Wiring only: configuration is parsed once per container, adapters are built lazily once per
 * container (never at import), and `syncAccount` holds the logic. Failures are rethrown so the
 * schedule's retry policy and dead-letter queue see them; a poll skipped because another poller
 * holds the account's lease is a normal return.
 */

import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { syncOptionsFor } from '../../shared/config/index.js';
import type { SyncReport } from '../../shared/engine/report.js';
import { BridgeError, ClinikoAuthError, safeErrorFields } from '../../shared/errors.js';
import { awsPollerDeps } from './aws-deps.js';
import {
  emitReportMetrics,
  METRIC_NAMESPACE,
  POLLER_METRICS,
  reportSummary,
  storeAccountMetrics,
} from './poll-metrics.js';
import { type AccountRun, PollerContainer, type PollerDeps } from './poller-container.js';
import { type PollerTask, parsePollerInput } from './poller-input.js';

export type { PollerDeps } from './poller-container.js';

/** What an invocation returns: the run's counts (never record data). */
export interface PollResult {
  readonly account: string;
  readonly task: PollerTask;
  readonly skipped?: 'lease-held';
  readonly stopped: SyncReport['stopped'];
  readonly summary: Record<string, unknown>;
}

export type PollerHandler = MiddyfiedHandler<unknown, PollResult, Error, Context>;

export function makeHandler(deps: PollerDeps): PollerHandler {
  const container = new PollerContainer(deps);
  const { logger, metrics } = deps;
  const now = deps.now ?? Date.now;

  const poll = async (event: unknown, context: Context): Promise<PollResult> => {
    let run: AccountRun;
    let task: PollerTask;
    let accountId: string | undefined;
    const started = now();
    try {
      const environment = container.environment();
      const request = parsePollerInput(event, environment.config);
      task = request.task;
      accountId = request.account.id;
      logger.appendKeys({ account: request.account.id, task });
      const options = syncOptionsFor(environment.config, request.account.id, {
        awsAccount: awsAccountOf(context),
        region: environment.region,
        deadline: started + context.getRemainingTimeInMillis(),
        forceReconcile: task === 'reconcile',
      });
      run = await container.runWithAuthRefresh(request.account, context.awsRequestId, options);
    } catch (error) {
      // Only configured accounts become metric dimensions; a malformed input has no account to blame.
      if (accountId) storeAccountMetrics(metrics, accountId, { [POLLER_METRICS.pollsFailed]: 1 });
      logger.error('poll failed', {
        ...safeErrorFields(error),
        ...(error instanceof ClinikoAuthError
          ? { hint: 'check the API key in the account secret and its shard' }
          : {}),
      });
      throw publicError(error);
    }
    return finish(run, task, now() - started);
  };

  const finish = (run: AccountRun, task: PollerTask, durationMs: number): PollResult => {
    const { report } = run;
    emitReportMetrics(metrics, report, run.counters, durationMs);
    const summary = reportSummary(report, run.counters);
    if (report.skipped) {
      logger.info('poll skipped: another poller holds the account lease', { skipped: report.skipped });
    } else if (report.ok) {
      logger.info('poll finished', summary);
    } else {
      logger.error('poll finished with failed streams', summary);
      const failed = report.streams.filter((s) => s.stopped === 'failed');
      throw new BridgeError(
        `poll of account ${report.account} failed on ${failed
          .map((s) => `${s.stream} (${s.error?.name ?? 'unknown error'})`)
          .join(', ')}; the other streams completed and the next poll retries the failed ones`,
      );
    }
    return {
      account: report.account,
      task,
      ...(report.skipped ? { skipped: report.skipped } : {}),
      stopped: report.stopped,
      summary,
    };
  };

  return middy(poll)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

/** The AWS account id from the function ARN (`arn:aws:lambda:<region>:<account>:function:<name>`). */
function awsAccountOf(context: Context): string {
  return context.invokedFunctionArn.split(':')[4] || 'local';
}

/** Rethrows the bridge's own errors as they are; wraps others so the runtime never prints their message. */
function publicError(error: unknown): Error {
  if (error instanceof BridgeError) return error;
  const type = error instanceof Error ? error.name : typeof error;
  return new BridgeError(`poll failed with ${type}; see the "poll failed" log line for where`);
}

const logger = new PowertoolsLogger({ serviceName: 'cliniko-bridge-poller' });
const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'cliniko-bridge-poller' });
// Dimensions are exactly Account/Stream/Action, which the alarms and dashboard address.
metrics.clearDefaultDimensions();

export const handler: PollerHandler = makeHandler(awsPollerDeps({ logger, metrics, env: process.env }));
