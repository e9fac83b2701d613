/**
 * `BridgePoller`: the poller Lambda (functions/poller/handler.ts), the fleet's worker: it takes the
 * accounts the dispatcher hands out from the work queue, a batch at a time, and polls them side by
 * side, each under its own lease. Its own role and log group.
 *
 * Deployed as every bridge function is (bridge-function.ts), with 512 MB and a 5-minute timeout by
 * default (the handler checkpoints and stops before its deadline); its role gets the queue here,
 * and the bus, table and keys in `ChangeBridge`.
 *
 * Its size does not depend on the number of accounts: the queue's event source runs at most
 * `fleet.workerConcurrency` invocations at once, each with up to `fleet.accountsPerInvocation`
 * accounts, and the same number is reserved (so other functions cannot starve it and a loop cannot
 * run away). AWS accounts whose quota cannot reserve any pass `reservedConcurrency: 'none'`.
 *
 * @example
 * const poller = new BridgePoller(this, 'Poller', { config, encryptionKey: key, workQueue: queue.queue,
 *   environment: { STATE_TABLE_NAME: table.tableName, EVENT_BUS_NAME: bus.eventBusName } });
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, SERVICES } from '../functions/poller/poll-metrics.js';
import type { BridgeConfig } from '../shared/config/index.js';
import { bridgeFunction, repositoryRoot } from './bridge-function.js';

export interface BridgePollerProps {
  /** The validated configuration (its `fleet` settings size the worker). */
  readonly config: BridgeConfig;
  /** Encrypts the log group. */
  readonly encryptionKey: IKey;
  /** The queue the dispatcher fills with account runs. */
  readonly workQueue: IQueue;
  /** The environment (`BRIDGE_CONFIG_URI`, `STATE_TABLE_NAME`, `EVENT_BUS_NAME`, `CONTENT_KEY_SECRET`). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /**
   * Reserved concurrent executions, or `'none'` to draw from the account's unreserved pool.
   * @default config.fleet.workerConcurrency
   */
  readonly reservedConcurrency?: number | 'none';
  /**
   * The handler's source file, bundled with esbuild.
   * @default functions/poller/handler.ts of this repository
   */
  readonly entry?: string;
}

export class BridgePoller extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BridgePollerProps) {
    super(scope, id);
    const { config } = props;

    const reserved =
      props.reservedConcurrency ?? config.fleet.reservedConcurrency ?? config.fleet.workerConcurrency;
    ({
      function: this.function,
      role: this.role,
      logGroup: this.logGroup,
    } = bridgeFunction(this, {
      config,
      encryptionKey: props.encryptionKey,
      roleDescription: 'Cliniko Change Bridge poller: only the grants the ChangeBridge construct adds',
      description:
        'Cliniko Change Bridge poller: polls the Cliniko accounts the dispatcher hands out and publishes change events',
      entry: props.entry ?? `${repositoryRoot}functions/poller/handler.ts`,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(5),
      service: SERVICES.poller,
      metricsNamespace: METRIC_NAMESPACE,
      environment: props.environment,
      reservedConcurrentExecutions: reserved === 'none' ? undefined : reserved,
      whyNoDeadLetterQueue:
        "Invoked by its SQS work queue only (no asynchronous invocations): a batch whose invocation dies three times goes to the work queue's dead-letter queue, which is alarmed.",
      whyNoVpc:
        'The poller only calls Cliniko over HTTPS and AWS APIs over TLS; a VPC would add NAT gateways without protecting any data path.',
    }));
    this.function.addEventSource(
      new SqsEventSource(props.workQueue, {
        batchSize: config.fleet.accountsPerInvocation,
        maxConcurrency: config.fleet.workerConcurrency,
        // Accounts fall due spread over the minute; waiting up to 5 s gathers a batch, which the
        // handler polls concurrently, so an invocation's billed time is shared by its accounts.
        maxBatchingWindow: Duration.seconds(5),
        // The handler reports none: a failed poll is retried by the next slot, not by SQS.
        reportBatchItemFailures: true,
      }),
    );

    if (reserved === 'none') {
      Validations.of(this.function).acknowledge({
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          'Reserved concurrency was turned off for an AWS account whose quota cannot reserve any; the work queue still caps the poller at fleet.workerConcurrency and the DynamoDB lease allows one poll per Cliniko account.',
      });
    }
  }
}
