/**
 * Content key secrets as the deployment has them: the CDK app's synthesized template says how
 * CloudFormation generates the secret (`GenerateSecretString`), and moto's GetRandomPassword, given
 * exactly those settings, generates the password that Secrets Manager adds to the template's JSON.
 */
import {
  CreateSecretCommand,
  GetRandomPasswordCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  type CfnSecretGeneration,
  composeGeneratedSecret,
  contentKeyGeneration,
  synthBridge,
} from '../infra/bridge-fixture.js';

let synthesized: CfnSecretGeneration | undefined;

/** `GenerateSecretString` of the content key secret in the app's template (synthesized once). */
export function deployedGeneration(): CfnSecretGeneration {
  synthesized ??= contentKeyGeneration(synthBridge().template);
  return synthesized;
}

/** A password generated with the content key secret's settings, by Secrets Manager's GetRandomPassword. */
export async function generatedKeyMaterial(secrets: SecretsManagerClient): Promise<string> {
  const g = deployedGeneration();
  const { RandomPassword } = await secrets.send(
    new GetRandomPasswordCommand({
      PasswordLength: g.PasswordLength,
      ExcludeCharacters: g.ExcludeCharacters,
      ExcludeNumbers: g.ExcludeNumbers,
      ExcludePunctuation: g.ExcludePunctuation,
      ExcludeUppercase: g.ExcludeUppercase,
      ExcludeLowercase: g.ExcludeLowercase,
      IncludeSpace: g.IncludeSpace,
      RequireEachIncludedType: g.RequireEachIncludedType,
    }),
  );
  if (RandomPassword === undefined) throw new Error('GetRandomPassword returned no password');
  return RandomPassword;
}

/** Creates a secret holding what CloudFormation stores on deploy; returns its ARN and value. */
export async function createDeployedContentKeySecret(
  secrets: SecretsManagerClient,
  name: string,
): Promise<{ readonly arn: string; readonly value: string }> {
  const value = composeGeneratedSecret(deployedGeneration(), await generatedKeyMaterial(secrets));
  const { ARN } = await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  if (ARN === undefined) throw new Error('CreateSecret returned no ARN');
  return { arn: ARN, value };
}

/** Puts a new value, as an operator does with `put-secret-value` (it becomes AWSCURRENT). */
export async function putContentKeys(
  secrets: SecretsManagerClient,
  secretId: string,
  ring: Readonly<Record<string, string>>,
): Promise<void> {
  await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(ring) }));
}
