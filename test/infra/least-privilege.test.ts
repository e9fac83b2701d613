import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { ChangeBridge } from '../../infra/change-bridge.js';
import { applyCompliancePacks } from '../../infra/compliance.js';
import { IDEMPOTENCY_TABLE_ACTIONS } from '../../infra/example-consumer.js';
import { exampleConfig, newApp, resourcesOf, synthBridge } from './bridge-fixture.js';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every statement of every identity policy in the template: AWS::IAM::Policy and inline role policies. */
function identityStatements(template: Template): Statement[] {
  const documents: { Statement: Statement[] }[] = [];
  for (const [, policy] of resourcesOf(template, 'AWS::IAM::Policy')) {
    documents.push(policy.Properties?.PolicyDocument as { Statement: Statement[] });
  }
  for (const [, role] of resourcesOf(template, 'AWS::IAM::Role')) {
    for (const inline of (role.Properties?.Policies ?? []) as {
      PolicyDocument: { Statement: Statement[] };
    }[]) {
      documents.push(inline.PolicyDocument);
    }
  }
  return documents.flatMap((document) => document.Statement);
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The statements of the identity policies attached to the role whose logical id starts with `rolePrefix`. */
function roleStatements(template: Template, rolePrefix: string): Statement[] {
  const [[roleId] = ['']] = resourcesOf(template, 'AWS::IAM::Role').filter(([id]) =>
    id.startsWith(rolePrefix),
  );
  expect(roleId, `a role ${rolePrefix}…`).not.toBe('');
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(
      ([, policy]) =>
        (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
    );
}

/** The sorted actions a role is allowed that start with `prefix` (e.g. `dynamodb:`). */
function allowedActions(statements: readonly Statement[], prefix: string): string[] {
  const actions = statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => list(s.Action))
    .filter((action) => action.startsWith(prefix));
  return [...new Set(actions)].sort();
}

const SENSITIVE = /^(events:PutEvents|secretsmanager:GetSecretValue|dynamodb:.*)$/;

/** Statements that allow a sensitive action on every resource, or grant a service-wide wildcard. */
function wildcardGrants(template: Template): string[] {
  const findings: string[] = [];
  for (const statement of identityStatements(template)) {
    if (statement.Effect !== 'Allow') continue;
    const resources = list(statement.Resource);
    for (const action of list(statement.Action)) {
      if (action === '*' || /^(events|secretsmanager|dynamodb|kms|sqs|logs):\*$/.test(action))
        findings.push(action);
      if (SENSITIVE.test(action) && resources.includes('*')) findings.push(`${action} on *`);
    }
  }
  return findings;
}

describe('least privilege of the bridge', () => {
  const config = exampleConfig();
  const { template } = synthBridge(config, { exampleConsumer: true });

  it('grants no PutEvents, GetSecretValue or DynamoDB action on every resource, and no service-wide wildcard', () => {
    const statements = identityStatements(template);

    expect(statements.length).toBeGreaterThan(5);
    expect(wildcardGrants(template)).toEqual([]);
  });

  it('lets the poller read exactly the content key secret and the API keys under the cliniko/ prefix', () => {
    const readers = (action: string) =>
      identityStatements(template)
        .filter((s) => list(s.Action).includes(action))
        .flatMap((s) => list(s.Resource));
    const underPrefix = (service: string, resource: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:${service}:`,
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:${resource}cliniko/*`,
        ],
      ],
    });

    expect(readers('secretsmanager:GetSecretValue')).toEqual(
      expect.arrayContaining([
        { Ref: expect.stringMatching(/^BridgeContentKeySecret/) },
        underPrefix('secretsmanager', 'secret:'),
      ]),
    );
    expect(readers('secretsmanager:GetSecretValue')).toHaveLength(2);
    expect(readers('ssm:GetParameter')).toEqual([underPrefix('ssm', 'parameter/')]);
    // The same key grants whatever the accounts: the registry, not the template, lists them.
    const other = exampleConfig({ accounts: [{ id: 'solo-clinic', apiKeySecret: 'cliniko/solo-clinic' }] });
    const keyGrants = (from: Template) =>
      identityStatements(from).filter((s) => list(s.Action).some((a) => /^(secretsmanager|ssm):/.test(a)));
    expect(keyGrants(synthBridge(other).template)).toEqual(keyGrants(template));
  });

  it('refuses at synth a configured key outside the prefix, naming the field and the fix', () => {
    const outside = (apiKeySecret: string) =>
      exampleConfig({ accounts: [{ id: 'solo-clinic', apiKeySecret }] });

    expect(() => synthBridge(outside('other/solo'))).toThrow(
      /accounts\[0\]\.apiKeySecret: "other\/solo" is outside the "cliniko\/" prefix .* name the secret cliniko\/solo-clinic/,
    );
    expect(() =>
      synthBridge(outside('arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:other/solo-Ab12Cd')),
    ).toThrow(/"other\/solo-Ab12Cd" is outside/);
    expect(() =>
      synthBridge(outside('arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:cliniko/solo')),
    ).not.toThrow();
    // An inline key (for a local `run --config`) would travel in the configuration asset.
    const inline = exampleConfig({
      accounts: [{ id: 'solo-clinic', apiKeySecret: { apiKey: 'synthetic-key-au1' } }],
    });
    expect(() => synthBridge(inline)).toThrow(
      /accounts\[0\]\.apiKeySecret: is an inline key, which is for a local/,
    );
  });

  it('lets the poller put events on the bridge bus only', () => {
    const putEvents = identityStatements(template).filter((s) => list(s.Action).includes('events:PutEvents'));

    expect(putEvents.flatMap((s) => list(s.Resource))).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^BridgeEventsBus/), 'Arn'] },
    ]);
  });

  it('attaches no managed policy to any role (no AWSLambdaBasicExecutionRole)', () => {
    for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
      expect([id, role.Properties?.ManagedPolicyArns]).toEqual([id, undefined]);
    }
  });

  it('refuses non-TLS access to every queue and topic', () => {
    const policies = [
      ...resourcesOf(template, 'AWS::SQS::QueuePolicy'),
      ...resourcesOf(template, 'AWS::SNS::TopicPolicy'),
    ].map(([, p]) => JSON.stringify(p.Properties?.PolicyDocument));

    expect(policies).toHaveLength(resourcesOf(template, 'AWS::SQS::Queue').length + 1);
    for (const policy of policies) expect(policy).toContain('"aws:SecureTransport":"false"');
  });
});

/**
 * Code the poller never runs: table creation and inspection for the local runner and the CLI, and
 * the registry adapter, whose commands are split by caller (checked per role below): the poller only
 * reads an account (GetItem), the dispatcher lists and seeds (Query, GetItem, PutItem), and only
 * the accounts command pauses and removes (UpdateItem, DeleteItem).
 */
const LOCAL_TOOLS = new Set([
  'shared/state/state-table.ts',
  'shared/state/dynalite-server.ts',
  'shared/fleet/dynamodb-registry.ts',
]);

/** The text of each source file in shared/ and functions/ (tests and local tools aside) importing one of `packages`. */
function pollerSources(...packages: string[]): string[] {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  return ['shared', 'functions']
    .flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => `${dir}/${f}`),
    )
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !LOCAL_TOOLS.has(file))
    .map((file) => readFileSync(join(root, file), 'utf8'))
    .filter((text) => packages.some((name) => text.includes(`from '${name}'`)));
}

/** The IAM action of each DynamoDB command constructed in shared/ and functions/ (tests and local tools aside). */
function dynamoDbCommandsSentByThePoller(): string[] {
  const actions = new Set<string>();
  for (const text of pollerSources('@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb')) {
    for (const [, name = ''] of text.matchAll(/new (\w+)Command\(/g)) actions.add(dynamoDbAction(name));
  }
  return [...actions].sort();
}

/** lib-dynamodb drops the `Item(s)` suffix of the API name (`GetCommand` sends GetItem). */
function dynamoDbAction(command: string): string {
  const documentClient: Record<string, string> = {
    Get: 'GetItem',
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    BatchGet: 'BatchGetItem',
    BatchWrite: 'BatchWriteItem',
    TransactGet: 'TransactGetItems',
    TransactWrite: 'TransactWriteItems',
    ExecuteStatement: 'PartiQLSelect',
  };
  return `dynamodb:${documentClient[command] ?? command}`;
}

/** The IAM actions of the commands imported from `pkg` in shared/ and functions/ (what the poller can send). */
function commandsImportedFrom(pkg: string, service: string): string[] {
  const actions = new Set<string>();
  const importOf = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*'${pkg}'`, 'g');
  for (const text of pollerSources(pkg)) {
    for (const [, names = ''] of text.matchAll(importOf)) {
      for (const [, name = ''] of names.matchAll(/(\w+)Command\b/g)) actions.add(`${service}:${name}`);
    }
  }
  return [...actions].sort();
}

describe("the poller's access to secrets", () => {
  const { template } = synthBridge(exampleConfig(), { exampleConsumer: true });
  const poller = roleStatements(template, 'BridgePollerRole');

  it('allows exactly the Secrets Manager calls its code sends: GetSecretValue, no DescribeSecret', () => {
    const sent = commandsImportedFrom('@aws-sdk/client-secrets-manager', 'secretsmanager');

    expect(sent).toEqual(['secretsmanager:GetSecretValue']);
    expect(allowedActions(poller, 'secretsmanager:')).toEqual(sent);
  });

  it('allows exactly the SSM call its code sends for keys kept as SecureString parameters: GetParameter', () => {
    const sent = commandsImportedFrom('@aws-sdk/client-ssm', 'ssm');

    expect(sent).toEqual(['ssm:GetParameter']);
    expect(allowedActions(poller, 'ssm:')).toEqual(sent);
  });

  it('decrypts the content key secret only through Secrets Manager, for that secret only', () => {
    const contentKey = { Ref: expect.stringMatching(/^BridgeContentKeySecret/) };
    const throughSecretsManager = poller.filter(
      (s) => (s as { Condition?: unknown }).Condition !== undefined && list(s.Action).includes('kms:Decrypt'),
    );

    expect(throughSecretsManager).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^BridgeDataKey/), 'Arn'] },
        Condition: {
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
            },
            'kms:EncryptionContext:SecretARN': contentKey,
          },
        },
      },
    ]);
  });

  it('gives no other role any Secrets Manager action', () => {
    const others = resourcesOf(template, 'AWS::IAM::Role')
      .map(([id]) => id)
      .filter((id) => !id.startsWith('BridgePollerRole'));

    expect(others.length).toBeGreaterThan(0);
    for (const id of others)
      expect([id, allowedActions(roleStatements(template, id), 'secretsmanager:')]).toEqual([id, []]);
  });
});

describe('API key secrets the app passes to the construct', () => {
  const outside = 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:clinics/solo-Ab12Cd';
  const keyArn = 'arn:aws:kms:ap-southeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  /** The construct in a stack of its own, with `secrets` made in that stack; the compliance packs run. */
  function bridgeWith(
    apiKeySecret: string,
    secrets: (stack: Stack) => ISecret[],
  ): { template: Template; poller: Statement[] } {
    const app = newApp();
    const stack = new Stack(app, 'Clinic');
    new ChangeBridge(stack, 'Bridge', {
      config: exampleConfig({ accounts: [{ id: 'solo-clinic', apiKeySecret }] }),
      apiKeySecrets: secrets(stack),
    });
    applyCompliancePacks(app);
    const template = Template.fromStack(stack);
    return { template, poller: roleStatements(template, 'BridgePollerRole') };
  }

  it('lets the poller read a secret outside the prefix and decrypt it with its own key, through Secrets Manager only', () => {
    const { poller } = bridgeWith(outside, (stack) => [
      Secret.fromSecretAttributes(stack, 'SoloKey', {
        secretCompleteArn: outside,
        encryptionKey: Key.fromKeyArn(stack, 'ClinicKeys', keyArn),
      }),
    ]);

    const reads = poller.filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(reads.flatMap((s) => list(s.Resource))).toEqual(expect.arrayContaining([outside]));
    expect(reads.flatMap((s) => list(s.Resource))).toHaveLength(3);
    expect(allowedActions(poller, 'secretsmanager:')).toEqual(['secretsmanager:GetSecretValue']);
    expect(poller.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(keyArn))).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: keyArn,
        Condition: {
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
            },
          },
          StringLike: { 'kms:EncryptionContext:SecretARN': outside },
        },
      },
    ]);
  });

  it('reads a secret imported by name through the ARN with its six random characters, and passes cdk-nag', () => {
    const { poller } = bridgeWith('clinics/solo', (stack) => [
      Secret.fromSecretNameV2(stack, 'SoloKey', 'clinics/solo'),
    ]);

    const resources = poller
      .filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => list(s.Resource));
    expect(JSON.stringify(resources)).toContain(':secret:clinics/solo-??????');
    // No customer managed key given: nothing to decrypt but the bridge's own data key.
    expect(allowedActions(poller, 'kms:')).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
  });

  it('still refuses a configured secret outside the prefix that is not among them, saying how to fix it', () => {
    expect(() =>
      bridgeWith(outside, (stack) => [Secret.fromSecretNameV2(stack, 'Other', 'clinics/other')]),
    ).toThrow(
      /accounts\[0\]\.apiKeySecret: "clinics\/solo-Ab12Cd" is outside the "cliniko\/" prefix .* or pass that secret to the construct in apiKeySecrets/,
    );
  });
});

describe("the poller's access to the state table", () => {
  const { template } = synthBridge(exampleConfig());
  const poller = roleStatements(template, 'BridgePollerRole');

  it('allows exactly the item operations the DynamoDB state store uses, on the table only', () => {
    // shared/state/dynamodb-state-store.ts: GetItem, PutItem (record states, each conditional),
    // UpdateItem (cursor and lease writes), Query, BatchGetItem. DescribeTable is only used by local tools.
    expect(allowedActions(poller, 'dynamodb:')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const resources = poller
      .filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')))
      .flatMap((s) => list(s.Resource));
    expect(resources).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^BridgeStateTable/), 'Arn'] }]);
  });

  it("allows every DynamoDB command the poller's code sends", () => {
    const sent = dynamoDbCommandsSentByThePoller();

    expect(sent).toContain('dynamodb:GetItem');
    for (const action of sent) expect(allowedActions(poller, 'dynamodb:')).toContain(action);
  });

  it('lets the dispatcher list and seed the registry and read the leases, on the table only', () => {
    const dispatcher = roleStatements(template, 'BridgeDispatcherRole');

    expect(allowedActions(dispatcher, 'dynamodb:')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    const resources = dispatcher
      .filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')))
      .flatMap((s) => list(s.Resource));
    expect(resources).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^BridgeStateTable/), 'Arn'] }]);
  });

  it('gives no other role any DynamoDB action, but the example consumer its own idempotency table', () => {
    const { template: withConsumer } = synthBridge(exampleConfig(), { exampleConsumer: true });
    const consumerRole = /^BridgeExampleConsumer(Consumer)?Role[0-9A-F]{8}$/;
    const others = resourcesOf(withConsumer, 'AWS::IAM::Role')
      .map(([id]) => id)
      .filter(
        (id) =>
          !id.startsWith('BridgePollerRole') &&
          !/^BridgeDispatcherRole[0-9A-F]{8}$/.test(id) &&
          !consumerRole.test(id),
      );

    expect(others.length).toBeGreaterThan(0);
    for (const id of others)
      expect([id, allowedActions(roleStatements(withConsumer, id), 'dynamodb:')]).toEqual([id, []]);
    const [consumerId = ''] = resourcesOf(withConsumer, 'AWS::IAM::Role')
      .map(([id]) => id)
      .filter((id) => consumerRole.test(id));
    const consumer = roleStatements(withConsumer, consumerId);
    expect(allowedActions(consumer, 'dynamodb:')).toEqual([...IDEMPOTENCY_TABLE_ACTIONS].sort());
    const tables = consumer
      .filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')))
      .flatMap((s) => list(s.Resource));
    expect(tables).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^BridgeExampleConsumerIdempotencyTable/), 'Arn'] },
    ]);
  });
});

describe("the roles' use of the data key", () => {
  const { template } = synthBridge(exampleConfig());
  const dataKey = { 'Fn::GetAtt': [expect.stringMatching(/^BridgeDataKey/), 'Arn'] };
  const keyResources = (statements: readonly Statement[]) =>
    statements
      .filter((s) => list(s.Action).some((a) => a.startsWith('kms:')))
      .flatMap((s) => list(s.Resource));

  it('lets the poller decrypt the state table key and receive from the encrypted work queue, nothing more', () => {
    // DynamoDB decrypts the table key on the caller's behalf (kms:Decrypt), and so does SQS for a
    // consumer of a queue under a customer managed key; the poller sends to no queue.
    const poller = roleStatements(template, 'BridgePollerRole');

    expect(allowedActions(poller, 'kms:')).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(allowedActions(poller, 'sqs:')).not.toContain('sqs:SendMessage');
    expect(keyResources(poller)).toEqual(keyResources(poller).map(() => dataKey));
  });

  it('lets the dispatcher send to the encrypted work queue, nothing more', () => {
    const dispatcher = roleStatements(template, 'BridgeDispatcherRole');
    const queues = dispatcher
      .filter((s) => list(s.Action).some((a) => a.startsWith('sqs:')))
      .flatMap((s) => list(s.Resource));

    expect(allowedActions(dispatcher, 'kms:')).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:GenerateDataKey',
    ]);
    // SendMessageBatch is authorised by sqs:SendMessage.
    expect(allowedActions(dispatcher, 'sqs:')).toEqual(['sqs:SendMessage']);
    expect(queues).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^BridgeDispatcherWorkQueue[0-9A-F]{8}$/), 'Arn'] },
    ]);
    expect(keyResources(dispatcher)).toEqual(keyResources(dispatcher).map(() => dataKey));
  });

  it('lets the schedule invoke the dispatcher and send to its encrypted dead-letter queue, nothing more', () => {
    const schedule = roleStatements(template, 'BridgeDispatcherScheduleRole');

    expect(allowedActions(schedule, 'kms:')).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(allowedActions(schedule, 'sqs:')).toEqual(['sqs:SendMessage']);
    expect(allowedActions(schedule, 'lambda:')).toEqual(['lambda:InvokeFunction']);
    expect(keyResources(schedule)).toEqual(keyResources(schedule).map(() => dataKey));
  });

  it('lets no role encrypt or re-encrypt directly, or use a KMS action wildcard, in any variant', () => {
    const variants = [
      synthBridge(exampleConfig(), { exampleConsumer: true }).template,
      synthBridge(exampleConfig({ eventBus: { mode: 'import', name: 'clinic-events' } })).template,
    ];
    for (const variant of variants) {
      const kmsActions = allowedActions(identityStatements(variant), 'kms:');
      expect(kmsActions.length).toBeGreaterThan(0);
      expect(kmsActions.filter((a) => /^kms:(Encrypt|ReEncrypt)|\*/.test(a))).toEqual([]);
    }
  });
});

describe('the wildcard check itself', () => {
  it('finds a PutEvents grant on every resource', () => {
    const stack = new Stack(new App(), 'Probe');
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new PolicyStatement({ actions: ['events:PutEvents'], resources: ['*'] }));
    role.addToPolicy(
      new PolicyStatement({ actions: ['dynamodb:*'], resources: ['arn:aws:dynamodb:::table/x'] }),
    );

    expect(wildcardGrants(Template.fromStack(stack))).toEqual(['events:PutEvents on *', 'dynamodb:*']);
  });
});
