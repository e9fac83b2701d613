/**
 * The poller Lambda: a fleet worker. The dispatcher hands it accounts through the SQS work queue
 * (`{"account": "<id>"}` per message, a batch of them per invocation); it polls them concurrently,
 * each under its own lease, until caught up or close to the invocation's deadline. It can also be
 * invoked directly with `{"account": "<id>"}` (or `"task": "reconcile"`) to poll one account now.
 *
 * A failed poll is logged and counted, never retried by SQS: the dispatcher hands the account out
 * again in its next slot, and retrying sooner would only spend the account's Cliniko rate budget.
 * A message that is not work at all is logged and dropped. Messages come back only when the whole
 * invocation dies (a timeout, a crash), and go to the dead-letter queue after a few such tries.
 * A direct invocation throws when its poll fails, so the caller sees it.
 */

import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { SyncReport } from '../../shared/engine/report.js';
import { AccountNotFoundError, BridgeError, ClinikoAuthError, safeErrorFields } from '../../shared/errors.js';
import type { AccountPoll } from '../../shared/fleet/account-worker.js';
import { parseWork, type Work, type WorkQueue, type WorkTask } from '../../shared/fleet/work-queue.js';
import { awsPollerDeps } from './aws-deps.js';
import {
  METRIC_NAMESPACE,
  POLLER_METRICS,
  reportSummary,
  SERVICES,
  storePollMetrics,
} from './poll-metrics.js';
import { PollerContainer, type PollerDeps } from './poller-container.js';

export type { PollerDeps } from './poller-container.js';

/** What a direct invocation returns: the run's counts (never record data). */
export interface PollResult {
  readonly account: string;
  readonly task: WorkTask;
  readonly skipped?: 'lease-held' | 'paused';
  readonly stopped: SyncReport['stopped'] | 'not-run';
  readonly summary: Record<string, unknown>;
}

export type PollerHandler = MiddyfiedHandler<unknown, PollResult | SQSBatchResponse, Error, Context>;

type Outcome = { readonly poll: AccountPoll } | { readonly error: unknown };

export function makeHandler(deps: PollerDeps): PollerHandler {
  const container = new PollerContainer(deps);
  const { logger, metrics } = deps;
  const now = deps.now ?? Date.now;

  const pollOne = async (work: Work, context: Context, started: number): Promise<Outcome> => {
    const { environment, worker, workQueue } = await container.start();
    const pollStarted = now();
    try {
      const poll = await worker.poll(work.account, {
        owner: context.awsRequestId,
        awsAccount: awsAccountOf(context),
        region: environment.region,
        deadline: started + context.getRemainingTimeInMillis(),
        forceReconcile: work.task === 'reconcile',
      });
      record(work, poll, now() - pollStarted);
      await handOn(work, poll, workQueue);
      return { poll };
    } catch (error) {
      metrics.addMetric(POLLER_METRICS.polls, MetricUnit.Count, 1);
      metrics.addMetric(POLLER_METRICS.pollsFailed, MetricUnit.Count, 1);
      logger.error('poll failed', {
        account: work.account,
        task: work.task,
        ...safeErrorFields(error),
        ...(error instanceof ClinikoAuthError
          ? { hint: "check the account's API key (cliniko-bridge accounts) and its shard" }
          : {}),
      });
      return { error };
    }
  };

  /**
   * An adaptive loop that stopped at the invocation's deadline hands its account to the next worker
   * at once, so it is not left unpolled until the dispatcher's next tick (which leaves held accounts
   * alone). A failed hand-on only costs that wait.
   */
  const handOn = async (work: Work, poll: AccountPoll, queue: WorkQueue | undefined): Promise<void> => {
    if (queue === undefined || poll.kind !== 'ran' || !('rounds' in poll.report)) return;
    if (poll.report.stopped !== 'deadline') return;
    try {
      await queue.send([{ work: { account: work.account, task: 'poll' }, delayMs: 0 }]);
      logger.info('account handed on to the next worker', { account: work.account });
    } catch (error) {
      logger.warn('hand-on failed; the dispatcher hands the account out at its next tick', {
        account: work.account,
        ...safeErrorFields(error),
      });
    }
  };

  const record = (work: Work, poll: AccountPoll, durationMs: number): void => {
    if (poll.kind !== 'ran') {
      logger.info(
        poll.kind === 'paused'
          ? 'poll skipped: the account is paused'
          : 'poll skipped: the account is not registered',
        { account: work.account },
      );
      return;
    }
    const { report, counters } = poll;
    storePollMetrics(metrics, report, counters, durationMs);
    const summary = { task: work.task, ...reportSummary(report, counters) };
    if (report.skipped) logger.info('poll skipped: another poller holds the account lease', summary);
    else if (report.ok) logger.info('poll finished', summary);
    else logger.error('poll finished with failed streams', summary);
  };

  const handle = async (event: unknown, context: Context): Promise<PollResult | SQSBatchResponse> => {
    const started = now();
    if (isSqsEvent(event)) {
      const works = new Map<string, Work>();
      for (const message of event.Records) {
        try {
          const work = parseWork(message.body);
          // One run per account: two messages for it in one batch would share the lease owner.
          const seen = works.get(work.account);
          if (seen === undefined || work.task === 'reconcile') works.set(work.account, work);
        } catch (error) {
          logger.error('work message dropped: it is not work', {
            messageId: message.messageId,
            ...safeErrorFields(error),
          });
        }
      }
      await Promise.all([...works.values()].map((work) => pollOne(work, context, started)));
      return { batchItemFailures: [] };
    }
    const work = parseWork(event, 'event');
    const outcome = await pollOne(work, context, started);
    if ('error' in outcome) throw publicError(outcome.error);
    return resultOf(work, outcome.poll);
  };

  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

function resultOf(work: Work, poll: AccountPoll): PollResult {
  // Asked for by name: an account that is not registered is the caller's mistake.
  if (poll.kind === 'not-registered') throw new AccountNotFoundError(work.account);
  if (poll.kind === 'paused') {
    return { account: work.account, task: work.task, skipped: 'paused', stopped: 'not-run', summary: {} };
  }
  const { report } = poll;
  if (!report.skipped && !report.ok) {
    const failed = report.streams.filter((s) => s.stopped === 'failed');
    throw new BridgeError(
      `poll of account ${report.account} failed on ${failed
        .map((s) => `${s.stream} (${s.error?.name ?? 'unknown error'})`)
        .join(', ')}; the other streams completed and the next poll retries the failed ones`,
    );
  }
  return {
    account: report.account,
    task: work.task,
    ...(report.skipped ? { skipped: report.skipped } : {}),
    stopped: report.stopped,
    summary: reportSummary(report, poll.counters),
  };
}

function isSqsEvent(event: unknown): event is SQSEvent {
  return (
    typeof event === 'object' && event !== null && Array.isArray((event as { Records?: unknown }).Records)
  );
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

const logger = new PowertoolsLogger({ serviceName: SERVICES.poller });
// The service dimension stays on every metric (see poll-metrics.ts).
const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICES.poller });

export const handler: PollerHandler = makeHandler(awsPollerDeps({ logger, metrics, env: process.env }));
