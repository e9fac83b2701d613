import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { exampleConfig, resourcesOf, synthBridge } from './bridge-fixture.js';

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

  it('lets the poller read exactly the content key secret and the configured API key secrets', () => {
    const secretResources = identityStatements(template)
      .filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => list(s.Resource));

    expect(secretResources).toHaveLength(config.accounts.length + 1);
    expect(secretResources).toEqual(
      expect.arrayContaining([
        { Ref: expect.stringMatching(/^BridgeContentKeySecret/) },
        {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':secretsmanager:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':secret:cliniko-bridge/harbourside-physio-??????',
            ],
          ],
        },
        config.accounts[1]?.apiKeySecret,
      ]),
    );
  });

  it('scopes a secret given as a partial ARN to that secret', () => {
    const partial = 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:cliniko/solo';
    const solo = exampleConfig({ accounts: [{ id: 'solo-clinic', apiKeySecret: partial }] });
    const statements = identityStatements(synthBridge(solo).template);

    const resources = statements
      .filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => list(s.Resource))
      .filter((resource) => typeof resource === 'string');
    expect(resources).toEqual([`${partial}-??????`]);
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

/** Code the poller never runs: table creation and inspection for the local runner and the CLI. */
const LOCAL_TOOLS = new Set(['shared/state/state-table.ts', 'shared/state/dynalite-server.ts']);

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

/** The IAM action of each Secrets Manager command constructed in shared/ and functions/ (what the poller can send). */
function secretsManagerCommandsSentByThePoller(): string[] {
  const actions = new Set<string>();
  for (const text of pollerSources('@aws-sdk/client-secrets-manager')) {
    for (const [, name = ''] of text.matchAll(/new (\w+)Command\(/g)) actions.add(`secretsmanager:${name}`);
  }
  return [...actions].sort();
}

describe("the poller's access to secrets", () => {
  const { template } = synthBridge(exampleConfig(), { exampleConsumer: true });
  const poller = roleStatements(template, 'BridgePollerRole');

  it('allows exactly the Secrets Manager calls its code sends: GetSecretValue, no DescribeSecret', () => {
    const sent = secretsManagerCommandsSentByThePoller();

    expect(sent).toEqual(['secretsmanager:GetSecretValue']);
    expect(allowedActions(poller, 'secretsmanager:')).toEqual(sent);
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

describe("the poller's access to the state table", () => {
  const { template } = synthBridge(exampleConfig());
  const poller = roleStatements(template, 'BridgePollerRole');

  it('allows exactly the item operations the DynamoDB state store uses, on the table only', () => {
    // shared/state/dynamodb-state-store.ts: GetItem, PutItem, UpdateItem (conditional cursor and lease
    // writes), Query, BatchGetItem, BatchWriteItem. DescribeTable is only used by local tools.
    expect(allowedActions(poller, 'dynamodb:')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
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

  it('gives no other role any DynamoDB action', () => {
    const { template: withConsumer } = synthBridge(exampleConfig(), { exampleConsumer: true });
    const others = resourcesOf(withConsumer, 'AWS::IAM::Role')
      .map(([id]) => id)
      .filter((id) => !id.startsWith('BridgePollerRole'));

    expect(others.length).toBeGreaterThan(0);
    for (const id of others)
      expect([id, allowedActions(roleStatements(withConsumer, id), 'dynamodb:')]).toEqual([id, []]);
  });
});

describe("the roles' use of the data key", () => {
  const { template } = synthBridge(exampleConfig());
  const dataKey = { 'Fn::GetAtt': [expect.stringMatching(/^BridgeDataKey/), 'Arn'] };
  const keyResources = (statements: readonly Statement[]) =>
    statements
      .filter((s) => list(s.Action).some((a) => a.startsWith('kms:')))
      .flatMap((s) => list(s.Resource));

  it('lets the poller decrypt the state table key and send to its encrypted dead-letter queue, nothing more', () => {
    // DynamoDB decrypts the table key on the caller's behalf (kms:Decrypt); a producer to an SQS
    // queue under a customer managed key needs kms:GenerateDataKey and kms:Decrypt.
    const poller = roleStatements(template, 'BridgePollerRole');

    expect(allowedActions(poller, 'kms:')).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey']);
    expect(keyResources(poller)).toEqual(keyResources(poller).map(() => dataKey));
  });

  it('lets the schedules send to their encrypted dead-letter queue, nothing more', () => {
    const schedules = roleStatements(template, 'BridgeSchedulesRole');

    expect(allowedActions(schedules, 'kms:')).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(allowedActions(schedules, 'sqs:')).toEqual(['sqs:SendMessage']);
    expect(keyResources(schedules)).toEqual(keyResources(schedules).map(() => dataKey));
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
