import { Stack } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { namesSecret } from '../../infra/api-key-secrets.js';

const complete = 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:clinics/solo-Ab12Cd';

describe('namesSecret', () => {
  const stack = new Stack();
  const byArn = Secret.fromSecretCompleteArn(stack, 'ByArn', complete);
  const byName = Secret.fromSecretNameV2(stack, 'ByName', 'clinics/solo');
  // aws-cdk-lib's classes declare optional members as `T | undefined`, its interfaces as `T`.
  const created: ISecret = new Secret(stack, 'Created') as ISecret;

  it('matches a configured ARN or name to a secret imported by its complete ARN', () => {
    expect(namesSecret(complete, byArn)).toBe(true);
    expect(namesSecret('clinics/solo', byArn)).toBe(true);
    expect(namesSecret('clinics/solo-Ab12Cd', byArn)).toBe(true);
  });

  it('matches a configured name or complete ARN to a secret imported by name', () => {
    expect(namesSecret('clinics/solo', byName)).toBe(true);
    expect(namesSecret(complete, byName)).toBe(true);
  });

  it('matches no other secret, nor one whose name is known only at deploy', () => {
    expect(namesSecret('clinics/solo-two', byName)).toBe(false);
    expect(namesSecret('clinics/other', byArn)).toBe(false);
    expect(namesSecret('clinics/solo', created)).toBe(false);
  });
});
