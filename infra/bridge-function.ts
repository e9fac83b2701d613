/**
 * How the bridge deploys a Lambda function — the dispatcher, the poller and the example consumer
 * alike: the newest Node.js runtime of this aws-cdk-lib, arm64, an ESM bundle built by the local
 * esbuild with the runtime's AWS SDK and source maps, JSON logs to a KMS-encrypted log group of its
 * own (retained), active X-Ray tracing, and a role with no managed policy that may write that log
 * group and nothing else until its construct grants more.
 */
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BridgeConfig } from '../shared/config/index.js';
import { ConfigError } from '../shared/errors.js';

export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** The newest Node.js Lambda runtime of this aws-cdk-lib; moving it is a deliberate change. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/** Lambda allows 4 KB for all environment variables together. */
const ENVIRONMENT_LIMIT_BYTES = 4096;
/** The bridge's own limit per variable. */
const VARIABLE_LIMIT_BYTES = 1024;

/** How every function is bundled: ESM for Node.js, the runtime's AWS SDK, source maps. */
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

export interface BridgeFunctionProps {
  readonly config: BridgeConfig;
  /** Encrypts the log group. */
  readonly encryptionKey: IKey;
  /** The role's description. */
  readonly roleDescription: string;
  readonly description: string;
  /** The handler's source file (its export `handler`), from the repository root or absolute. */
  readonly entry: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Powertools' service name: names its log lines, metrics and traces. */
  readonly service: string;
  /** Powertools metrics in the bridge's namespace. @default false */
  readonly metricsNamespace?: string | undefined;
  /**
   * Its own variables; the Powertools service, log level (and namespace) and `NODE_OPTIONS` (source
   * maps) are added. Names and locations only, at most 4 KB.
   */
  readonly environment: Readonly<Record<string, string>>;
  /** Why it has no dead-letter queue of its own and runs outside a VPC (cdk-nag's HIPAA rules). */
  readonly whyNoDeadLetterQueue: string;
  readonly whyNoVpc: string;
  readonly reservedConcurrentExecutions?: number | undefined;
  /** Anything else of the function's own (asynchronous retries, …). */
  readonly extra?: Partial<NodejsFunctionProps>;
}

/**
 * The function `Function`, with its log group `LogGroup` and role `Role`, in `scope` (ids are a
 * contract: renaming one replaces the resource).
 */
export function bridgeFunction(
  scope: Construct,
  props: BridgeFunctionProps,
): { function: NodejsFunction; role: Role; logGroup: LogGroup } {
  const { logGroup, role } = functionLogAndRole(scope, {
    config: props.config,
    encryptionKey: props.encryptionKey,
    description: props.roleDescription,
  });
  const environment = {
    POWERTOOLS_SERVICE_NAME: props.service,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    ...(props.metricsNamespace === undefined ? {} : { POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace }),
    NODE_OPTIONS: '--enable-source-maps',
    ...props.environment,
  };
  assertEnvironmentFits(environment);
  const fn = new NodejsFunction(scope, 'Function', {
    description: props.description,
    entry: props.entry,
    handler: 'handler',
    projectRoot: repositoryRoot,
    depsLockFilePath: `${repositoryRoot}package-lock.json`,
    runtime: FUNCTION_RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup,
    loggingFormat: LoggingFormat.JSON,
    tracing: Tracing.ACTIVE,
    environment,
    ...(props.reservedConcurrentExecutions === undefined
      ? {}
      : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
    bundling: BUNDLING,
    ...props.extra,
  });
  Validations.of(fn).acknowledge(
    { id: 'HIPAA.Security-LambdaDLQ', reason: props.whyNoDeadLetterQueue },
    { id: 'HIPAA.Security-LambdaInsideVPC', reason: props.whyNoVpc },
  );
  return { function: fn, role, logGroup };
}

/**
 * A function's own KMS-encrypted, retained log group and its role (ids `LogGroup` and `Role` in
 * `scope`): the role may write that log group only, instead of AWSLambdaBasicExecutionRole's logs:*
 * on every log group, and gets nothing else until the construct grants it.
 */
function functionLogAndRole(
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
