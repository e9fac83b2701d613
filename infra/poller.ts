/**
 * `BridgePoller`: the poller Lambda (functions/poller/handler.ts) with its own role, log group and
 * dead-letter queue.
 *
 * Defaults: the newest Node.js runtime this CDK version offers, arm64, 512 MB, 5-minute timeout
 * (the handler checkpoints and stops before its deadline), ESM bundle built by the local esbuild
 * with the AWS SDK left to the runtime, active X-Ray tracing, a KMS-encrypted log group with the
 * configured retention (retained on stack deletion), and a role with no managed policies — only
 * what the construct grants (log writes here; bus, table and secrets in `ChangeBridge`).
 *
 * Asynchronous invocations are not retried by Lambda: a failed poll is retried by the next tick
 * of the schedule (the cursor only moves after a successful publish), and retrying sooner would
 * only spend the account's Cliniko rate budget. Invocations that fail or expire land in the
 * dead-letter queue, which is alarmed.
 *
 * Reserved concurrency defaults to two per account (one poll and one reconciliation can overlap;
 * the DynamoDB lease already makes any further invocation exit at once). It caps cost and Cliniko
 * load if something invokes the function in a loop. AWS accounts with a low concurrency quota (new
 * accounts can have 10) cannot reserve any: pass `reservedConcurrency: 'none'` there.
 *
 * @example
 * const poller = new BridgePoller(this, 'Poller', { config, encryptionKey: key, alarmAction,
 *   environment: { STATE_TABLE_NAME: table.tableName, EVENT_BUS_NAME: bus.eventBusName } });
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../functions/poller/poll-metrics.js';
import type { BridgeConfig } from '../shared/config/index.js';
import { ConfigError } from '../shared/errors.js';
import { EncryptedQueue } from './encrypted-queue.js';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** The newest Node.js Lambda runtime of this aws-cdk-lib; moving it is a deliberate change. */
export const POLLER_RUNTIME = Runtime.NODEJS_24_X;

/** Lambda allows 4 KB for all environment variables together. */
const ENVIRONMENT_LIMIT_BYTES = 4096;

export interface BridgePollerProps {
  /** The validated configuration; passed to the function as `BRIDGE_CONFIG`. */
  readonly config: BridgeConfig;
  /** Encrypts the log group and the dead-letter queue. */
  readonly encryptionKey: IKey;
  /** Notified by the dead-letter queue's alarm. */
  readonly alarmAction: IAlarmAction;
  /** Extra environment (`STATE_TABLE_NAME`, `EVENT_BUS_NAME`, `CONTENT_KEY_SECRET`). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /**
   * Reserved concurrent executions, or `'none'` to draw from the account's unreserved pool.
   * @default 2 × the number of accounts
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
  readonly deadLetterQueue: EncryptedQueue;

  constructor(scope: Construct, id: string, props: BridgePollerProps) {
    super(scope, id);
    const { config } = props;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: config.logRetentionDays as RetentionDays,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Cliniko Change Bridge poller: only the grants the ChangeBridge construct adds',
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this log group only.
    this.logGroup.grantWrite(this.role);
    acknowledgeRolePolicy(this.role, [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing), which support no resource-level scoping.',
      },
    ]);

    this.deadLetterQueue = new EncryptedQueue(this, 'DeadLetterQueue', {
      encryptionKey: props.encryptionKey,
      purpose: 'poller invocations that failed or expired (the message is the schedule input)',
      alarmAction: props.alarmAction,
    });
    // Lambda sends a failed asynchronous invocation to the dead-letter queue with this role, so the
    // role is a producer of the encrypted queue (Lambda's own grant is sqs:SendMessage only).
    this.deadLetterQueue.grantSend(this.role);

    const environment = {
      BRIDGE_CONFIG: JSON.stringify(config),
      POWERTOOLS_SERVICE_NAME: 'cliniko-bridge-poller',
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    };
    assertEnvironmentFits(environment);

    const reserved = props.reservedConcurrency ?? 2 * config.accounts.length;
    this.function = new NodejsFunction(this, 'Function', {
      description: 'Cliniko Change Bridge poller: polls one Cliniko account and publishes change events',
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
      deadLetterQueue: this.deadLetterQueue.queue,
      retryAttempts: 0,
      maxEventAge: Duration.hours(1),
      ...(reserved === 'none' ? {} : { reservedConcurrentExecutions: reserved }),
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        externalModules: ['@aws-sdk/*'],
        // ESM output still meets CommonJS dependencies that call require().
        banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        forceDockerBundling: false,
      },
    });

    if (reserved === 'none') {
      Validations.of(this.function).acknowledge({
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          'Reserved concurrency was turned off for an AWS account whose quota cannot reserve any; the DynamoDB lease still allows one poller per Cliniko account.',
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason:
        'The poller only calls Cliniko over HTTPS and AWS APIs over TLS; a VPC would add NAT gateways without protecting any data path.',
    });
  }
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

function assertEnvironmentFits(environment: Readonly<Record<string, string>>): void {
  const bytes = Object.entries(environment).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
  if (bytes > ENVIRONMENT_LIMIT_BYTES) {
    throw new ConfigError(
      'config',
      `is ${bytes} bytes in the poller's environment, over Lambda's 4 KB limit; shorten field lists, or deploy the accounts in several stacks with one config each`,
    );
  }
}
