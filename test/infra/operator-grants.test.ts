/**
 * The construct's grants for the people who run it: `grantManageAccounts` (the `accounts` command on
 * a deployed table) and `grantReplay` (the `replay` command on the bridge's archive). What the
 * commands really send is held against these same action lists on moto, through a recording proxy
 * (test/aws/operator-grants.aws.test.ts); here, where the template lets them send it.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNTS_KEY_ACTIONS,
  ACCOUNTS_TABLE_ACTIONS,
  ChangeBridge,
  REPLAY_ACTIONS,
} from '../../infra/change-bridge.js';
import { exampleConfig, newApp, resourcesOf } from './bridge-fixture.js';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** A bridge and an operator role, `grant` applied to it; the operator role's statements. */
function operatorStatements(
  grant: (bridge: ChangeBridge, operator: Role) => void,
  config = exampleConfig(),
): Statement[] {
  const stack = new Stack(newApp(), 'Clinic');
  const bridge = new ChangeBridge(stack, 'Bridge', { config });
  const operator = new Role(stack, 'Operator', { assumedBy: new AccountPrincipal('123456789012') });
  grant(bridge, operator);
  const template = Template.fromStack(stack);
  const [[operatorId] = ['']] = resourcesOf(template, 'AWS::IAM::Role').filter(([id]) =>
    id.startsWith('Operator'),
  );
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(
      ([, policy]) => JSON.stringify(policy.Properties?.Roles) === JSON.stringify([{ Ref: operatorId }]),
    )
    .flatMap(
      ([, policy]) =>
        (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
    );
}

/** Each allowed action of `statements` → the resources it is allowed on, as JSON. */
function resourcesByAction(statements: readonly Statement[]): Record<string, string[]> {
  const byAction: Record<string, string[]> = {};
  for (const statement of statements) {
    expect(statement.Effect).toBe('Allow');
    for (const action of list(statement.Action)) {
      byAction[action] = [
        ...(byAction[action] ?? []),
        ...list(statement.Resource).map((r) => JSON.stringify(r)),
      ];
    }
  }
  return byAction;
}

describe('grantManageAccounts', () => {
  const byAction = resourcesByAction(
    operatorStatements((bridge, operator) => bridge.grantManageAccounts(operator)),
  );

  it('allows the item operations of the accounts command on the state table only', () => {
    const tableActions = Object.keys(byAction).filter((action) => action.startsWith('dynamodb:'));
    expect(tableActions.sort()).toEqual([...ACCOUNTS_TABLE_ACTIONS].sort());
    for (const action of tableActions) {
      expect(byAction[action]?.map((r) => JSON.parse(r))).toEqual([
        { 'Fn::GetAtt': [expect.stringMatching(/^BridgeStateTable/), 'Arn'] },
      ]);
    }
    expect(Object.keys(byAction)).not.toContain('dynamodb:Scan');
  });

  it("decrypts with the table's key, and neither encrypts nor uses any other KMS action", () => {
    expect(
      Object.keys(byAction)
        .filter((action) => action.startsWith('kms:'))
        .sort(),
    ).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(byAction['kms:Decrypt']?.[0]).toMatch(/BridgeDataKey/);
  });

  it('stores and deletes keys under the cliniko/ prefix only, and never reads one', () => {
    const keyActions = Object.keys(byAction).filter(
      (a) => a.startsWith('secretsmanager:') || a.startsWith('ssm:'),
    );
    expect(keyActions.sort()).toEqual([...ACCOUNTS_KEY_ACTIONS].sort());
    expect(keyActions).not.toContain('secretsmanager:GetSecretValue');
    expect(keyActions).not.toContain('ssm:GetParameter');
    for (const action of keyActions) {
      const [resource = ''] = byAction[action] ?? [];
      expect(byAction[action]).toHaveLength(1);
      expect(resource).toContain(action.startsWith('ssm:') ? ':parameter/cliniko/*' : ':secret:cliniko/*');
    }
  });
});

describe('grantReplay', () => {
  const byAction = resourcesByAction(operatorStatements((bridge, operator) => bridge.grantReplay(operator)));

  it('describes the bus, describes and replays its archive, and follows replays: nothing else', () => {
    expect(Object.keys(byAction).sort()).toEqual([...REPLAY_ACTIONS].sort());
    expect(byAction['events:DescribeEventBus']?.join()).toMatch(/BridgeEventsBus/);
    for (const action of ['events:DescribeArchive', 'events:StartReplay']) {
      expect(byAction[action]).toHaveLength(1);
      expect(byAction[action]?.[0]).toMatch(/BridgeEventsArchive/);
    }
    expect(byAction['events:DescribeReplay']?.join()).toContain(':replay/*');
    expect(Object.keys(byAction)).not.toContain('events:PutEvents');
  });

  it('refuses a bridge without an archive (an imported bus), saying how to get one', () => {
    expect(() =>
      operatorStatements(
        (bridge, operator) => bridge.grantReplay(operator),
        exampleConfig({ eventBus: { mode: 'import', name: 'the-clinics-bus' } }),
      ),
    ).toThrow(/no archive .*archiveImportedBus: true/);
  });
});
