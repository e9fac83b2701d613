/**
 * `BridgePoller`: the poller Lambda (functions/poller/handler.ts), the fleet's worker: it takes the
 * accounts the dispatcher hands out from the work queue, a batch at a time, and polls them side by
 * side, each under its own lease. Its own role and log group.
 *
 * Defaults: the newest Node.js runtime this CDK version offers, arm64, 512 MB, 5-minute timeout
 * (the handler checkpoints and stops before its deadline), ESM bundle built by the local esbuild
 * with the AWS SDK left to the runtime, active X-Ray tracing, a KMS-encrypted log group with the
 * configured retention (retained on stack deletion), and a role with no managed policies — only
 * what the construct grants (log writes and the queue here; bus, table and keys in `ChangeBridge`).
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
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, SERVICES } from '../functions/poller/poll-metrics.js';
import type { BridgeConfig } from '../shared/config/index.js';
import { ConfigError } from '../shared/errors.js';

export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** The newest Node.js Lambda runtime of this aws-cdk-lib; moving it is a deliberate change. */
export const POLLER_RUNTIME = Runtime.NODEJS_24_X;

/** Lambda allows 4 KB for all environment variables together. */
const ENVIRONMENT_LIMIT_BYTES = 4096;
/** The bridge's own limit per variable. */
const VARIABLE_LIMIT_BYTES = 1024;

/** How both functions are bundled: ESM for Node.js, the runtime's AWS SDK, source maps. */
export const BUNDLING = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*'],
  // ESM output still meets CommonJS dependencies that call require().
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
  minify: true,
  sourceMap: true,
  forceDockerBundling: false,
};

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

    ({ logGroup: this.logGroup, role: this.role } = functionLogAndRole(this, {
      config,
      encryptionKey: props.encryptionKey,
      description: 'Cliniko Change Bridge poller: only the grants the ChangeBridge construct adds',
    }));

    const environment = {
      POWERTOOLS_SERVICE_NAME: SERVICES.poller,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    };
    assertEnvironmentFits(environment);

    const reserved =
      props.reservedConcurrency ?? config.fleet.reservedConcurrency ?? config.fleet.workerConcurrency;
    this.function = new NodejsFunction(this, 'Function', {
      description:
        'Cliniko Change Bridge poller: polls the Cliniko accounts the dispatcher hands out and publishes change events',
      entry: props.entry ?? `${repositoryRoot}functions/poller/handler.ts`,
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      runtime: POLLER_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(5),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      environment,
      ...(reserved === 'none' ? {} : { reservedConcurrentExecutions: reserved }),
      bundling: BUNDLING,
    });
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
    Validations.of(this.function).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        "Invoked by its SQS work queue only (no asynchronous invocations): a batch whose invocation dies three times goes to the work queue's dead-letter queue, which is alarmed.",
    });
    Validations.of(this.function).acknowledge({
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason:
        'The poller only calls Cliniko over HTTPS and AWS APIs over TLS; a VPC would add NAT gateways without protecting any data path.',
    });
  }
}

/**
 * A function's own KMS-encrypted, retained log group and its role (ids `LogGroup` and `Role` in
 * `scope`): the role may write that log group only, instead of AWSLambdaBasicExecutionRole's logs:*
 * on every log group, and gets nothing else until the construct grants it.
 */
export function functionLogAndRole(
  scope: Construct,
  props: { readonly config: BridgeConfig; readonly encryptionKey: IKey; readonly description: string },
): { logGroup: LogGroup; role: Role } {
  const logGroup = new LogGroup(scope, 'LogGroup', {
    retention: props.config.logRetentionDays as RetentionDays,
    encryptionKey: props.encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const role = new Role(scope, 'Role', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: props.description,
  });
  logGroup.grantWrite(role);
  acknowledgeRolePolicy(role, [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing), which support no resource-level scoping.',
    },
  ]);
  return { logGroup, role };
}

/**
 * Acknowledgements every role the bridge creates needs: CDK grants write inline (role default)
 * policies. Key grants name single KMS actions, so no action wildcard needs acknowledging.
 */
export function acknowledgeRolePolicy(
  role: Role,
  extra: readonly { id: string; reason: string }[] = [],
): void {
  Validations.of(role).acknowledge(
    {
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        "The role's default policy holds only the grants CDK generates for this role's resources; a managed policy would be reusable by other principals.",
    },
    ...extra,
  );
}

/** No variable over 1 KB (no account data travels there), and all of them within Lambda's 4 KB. */
export function assertEnvironmentFits(environment: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(environment)) {
    if (Buffer.byteLength(value) > VARIABLE_LIMIT_BYTES) {
      throw new ConfigError(
        name,
        `is ${Buffer.byteLength(value)} bytes; environment variables carry names and locations only (at most 1 KB)`,
      );
    }
  }
  const bytes = Object.entries(environment).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
  if (bytes > ENVIRONMENT_LIMIT_BYTES) {
    throw new ConfigError('environment', `is ${bytes} bytes, over Lambda's 4 KB limit`);
  }
}
