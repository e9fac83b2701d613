/**
 * `BridgeEventBus`: the EventBridge bus the poller publishes change events to — created here, or
 * an existing bus imported by name or ARN.
 *
 * - Created (default): a custom bus encrypted with the bridge's customer-managed key (events carry
 *   patient data in `detail`), plus an archive of every event from the configured `source` with the
 *   configured retention, so consumers can replay. Both are retained when the stack is deleted.
 * - Imported: nothing is created on the bus. Its owner decides on encryption and archiving; set
 *   `archiveImportedBus` to archive it from this stack anyway (same account only). A bus in another
 *   account also needs a resource policy there that lets the poller's role call PutEvents.
 *
 * `reserveSourceFor(role)` makes the bridge's `source` unforgeable on a created bus: its resource
 * policy denies `events:PutEvents` with that source to every principal but `role` (an explicit deny
 * in a resource policy overrides any identity-policy allow in the account). Consumers can then trust
 * that `"source": ["cliniko"]` came from the poller. The owner of an imported bus adds the same
 * statement themselves (infra/README.md, "Who may publish").
 *
 * `allowSubscribersFrom(accounts)` lets other AWS accounts create rules of their own on a created bus
 * (infra/README.md, "Subscribing from another AWS account").
 *
 * @example
 * const events = new BridgeEventBus(this, 'Events', { config: { mode: 'create' }, source: 'cliniko',
 *   archiveRetentionDays: 30, encryptionKey: key });
 * events.bus.grantPutEventsTo(poller);
 * events.reserveSourceFor(poller.role);
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Archive, type CfnEventBus, EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { AccountPrincipal, AnyPrincipal, Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { EventBusConfig } from '../shared/config/index.js';
import { ConfigError } from '../shared/errors.js';

/**
 * What another account may do with rules on the bus, per AWS's example policy for letting an account
 * manage its own rules (EventBridge user guide, "Permissions for event buses"): create, change,
 * enable, disable, describe and delete rules, and set their targets.
 */
export const SUBSCRIBER_RULE_ACTIONS = [
  'events:PutRule',
  'events:DeleteRule',
  'events:DescribeRule',
  'events:DisableRule',
  'events:EnableRule',
  'events:PutTargets',
  'events:RemoveTargets',
] as const;

export interface BridgeEventBusProps {
  /** `eventBus` of the bridge configuration: create, or import by name or ARN. */
  readonly config: EventBusConfig;
  /** The events' `source`; the archive keeps exactly these events. */
  readonly source: string;
  /** Days the archive keeps events (0 keeps them forever). */
  readonly archiveRetentionDays: number;
  /** Encrypts a created bus and its archive. Not applied to an imported bus. */
  readonly encryptionKey: IKey;
  /**
   * Encrypt a created bus and its archive with `encryptionKey` rather than an AWS owned key.
   * @default true
   */
  readonly customerManagedEncryption?: boolean;
  /**
   * Create an archive on an imported bus too (the bus must be in this account and region).
   * @default false
   */
  readonly archiveImportedBus?: boolean;
  /**
   * A bus the app already has (another construct's, or `EventBus.fromEventBusArn`): used as an
   * imported one, whatever `config` says.
   * @default - as `config` says
   */
  readonly bus?: IEventBus;
}

export class BridgeEventBus extends Construct {
  readonly bus: IEventBus;
  /** Whether this stack created the bus (and so owns its encryption and policy). */
  readonly created: boolean;
  /** The archive for replay, when there is one. */
  readonly archive: Archive | undefined;
  /** What the poller passes to PutEvents: the ARN for a bus imported by ARN, else its name. */
  readonly busReference: string;
  /** The events' `source`. */
  readonly source: string;
  private readonly createdBus: EventBus | undefined;
  private readonly busStatements: Construct[] = [];

  constructor(scope: Construct, id: string, props: BridgeEventBusProps) {
    super(scope, id);
    const { config } = props;
    const encrypt = props.customerManagedEncryption ?? true;
    this.source = props.source;
    let literalName: string | undefined;

    if (props.bus !== undefined) {
      this.bus = props.bus;
      this.createdBus = undefined;
      this.created = false;
      // PutEvents accepts an ARN for any bus, this account's or another's.
      this.busReference = props.bus.eventBusArn;
    } else if (config.mode === 'create') {
      const bus = new EventBus(this, 'Bus', {
        description: 'Cliniko Change Bridge: typed change events from Cliniko',
        ...(config.name ? { eventBusName: config.name } : {}),
        ...(encrypt ? { kmsKey: props.encryptionKey } : {}),
      });
      bus.applyRemovalPolicy(RemovalPolicy.RETAIN);
      // The name CDK generated (or the configured one) as a synth-time value, not the bus's Ref.
      literalName = (bus.node.defaultChild as CfnEventBus).name;
      // aws-cdk-lib's classes declare optional members as `T | undefined`, its interfaces as `T`.
      this.bus = bus as IEventBus;
      this.createdBus = bus;
      this.created = true;
      this.busReference = bus.eventBusName;
    } else {
      this.bus = config.arn
        ? EventBus.fromEventBusArn(this, 'Bus', config.arn)
        : EventBus.fromEventBusName(this, 'Bus', config.name ?? '');
      this.createdBus = undefined;
      this.created = false;
      this.busReference = config.arn ?? this.bus.eventBusName;
    }

    if (!this.created && !props.archiveImportedBus) {
      this.archive = undefined;
      return;
    }
    const encryptArchive = this.created && encrypt;
    this.archive = new Archive(this, 'Archive', {
      sourceEventBus: encryptArchive ? this.busByLiteralArn(literalName) : this.bus,
      description: `Every event from source "${props.source}", for replay`,
      eventPattern: { source: [props.source] },
      retention: Duration.days(props.archiveRetentionDays),
      ...(encryptArchive ? { kmsKey: props.encryptionKey } : {}),
    });
    this.archive.node.addDependency(this.bus);
    this.archive.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  /**
   * Denies `events:PutEvents` of events with the bridge's `source` to every principal except
   * `publisher` (matched on `aws:PrincipalArn`, the role behind the caller's session). Applies to a
   * created bus only; returns whether a statement was added.
   */
  reserveSourceFor(publisher: IRole): boolean {
    if (!this.createdBus) return false;
    return this.addBusStatement(
      new PolicyStatement({
        sid: 'OnlyThePollerPublishesTheBridgeSource',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.createdBus.eventBusArn],
        conditions: {
          // events:source holds the source of every entry of the request: deny if any entry has ours.
          'ForAnyValue:StringEquals': { 'events:source': this.source },
          ArnNotEquals: { 'aws:PrincipalArn': publisher.roleArn },
        },
      }),
    );
  }

  /**
   * Lets each of `accounts` manage rules of its own on a created bus: the `SUBSCRIBER_RULE_ACTIONS` on
   * the bus's rules, only on rules that account created (`events:creatorAccount`) and, where the call
   * names a source (PutRule), only the bridge's `source`. Their rules can forward to an event bus of
   * their own; EventBridge delivers to other targets in another account only from the bus owner's
   * rules. One statement for all accounts.
   */
  allowSubscribersFrom(accounts: readonly string[]): void {
    if (accounts.length === 0) return;
    if (!this.createdBus) {
      throw new ConfigError(
        'allowSubscribersFrom',
        'applies to a bus the stack creates: the policy of an imported bus is its owner\'s, who adds the statement themselves (infra/README.md, "Subscribing from another AWS account")',
      );
    }
    accounts.forEach((account, index) => {
      if (!/^\d{12}$/.test(account)) {
        throw new ConfigError(
          `allowSubscribersFrom[${index}]`,
          'is not a 12-digit AWS account id, e.g. "222222222222"',
        );
      }
    });
    const bus = this.createdBus;
    this.addBusStatement(
      new PolicyStatement({
        sid: 'SubscriberAccountsManageTheirOwnRules',
        effect: Effect.ALLOW,
        principals: [...new Set(accounts)].map((account) => new AccountPrincipal(account)),
        actions: [...SUBSCRIBER_RULE_ACTIONS],
        resources: [
          Stack.of(this).formatArn({
            service: 'events',
            resource: 'rule',
            resourceName: `${bus.eventBusName}/*`,
          }),
        ],
        conditions: {
          StringEqualsIfExists: {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, resolved by IAM per call
            'events:creatorAccount': '${aws:PrincipalAccount}',
            'events:source': this.source,
          },
        },
      }),
    );
  }

  /**
   * Adds a statement to the created bus's policy, after the statements added before it: each is its
   * own `AWS::Events::EventBusPolicy` of the one bus policy, which CloudFormation would otherwise write
   * at the same time.
   */
  private addBusStatement(statement: PolicyStatement): boolean {
    if (!this.createdBus) return false;
    const { statementAdded, policyDependable } = this.createdBus.addToResourcePolicy(statement);
    if (policyDependable instanceof Construct) {
      for (const earlier of this.busStatements) policyDependable.node.addDependency(earlier);
      this.busStatements.push(policyDependable);
    }
    return statementAdded;
  }

  /**
   * The created bus addressed by an ARN built from its synth-time name. The archive writes its key
   * policy statement with the bus's ARN; the bus's own ARN attribute there would make the key
   * depend on the bus, which already depends on the key.
   */
  private busByLiteralArn(name: string | undefined): IEventBus {
    const arn = Stack.of(this).formatArn({
      service: 'events',
      resource: 'event-bus',
      ...(name === undefined ? {} : { resourceName: name }),
    });
    return EventBus.fromEventBusArn(this, 'BusForArchive', arn);
  }
}
