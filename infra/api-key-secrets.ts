/**
 * API key secrets an app hands to `ChangeBridge` (`apiKeySecrets`) as `ISecret`s: keys the poller may
 * read although they lie outside the `cliniko/` prefix or are encrypted with a customer managed key.
 * Each secret gets `GetSecretValue` on that secret only (no `DescribeSecret`, which the poller never
 * calls) and, when it has its own key, `kms:Decrypt` on that key through Secrets Manager for that
 * secret only. A configured account may then name the secret (by name or ARN) in
 * `accounts[].apiKeySecret`.
 *
 * @example
 * const key = Secret.fromSecretAttributes(this, 'HarboursideKey', {
 *   secretCompleteArn: 'arn:aws:secretsmanager:ap-southeast-2:111111111111:secret:clinics/harbourside-AbCdEf',
 *   encryptionKey: clinicKeys,
 * });
 * new ChangeBridge(this, 'Bridge', { config, apiKeySecrets: [key] });
 */
import { Stack, Token } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

/** The ARN a policy names the secret by: a partial ARN matches its six random characters too. */
function policyArnOf(secret: ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}

/** Lets `grantee` read `secret`, decrypting it with its own key if it has one. */
export function grantApiKeySecret(grantee: IGrantable, secret: ISecret): void {
  const arn = policyArnOf(secret);
  Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [arn] });
  if (secret.encryptionKey !== undefined) {
    Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [secret.encryptionKey.keyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(secret).region}.amazonaws.com` },
        StringLike: { 'kms:EncryptionContext:SecretARN': arn },
      },
    });
  }
}

/**
 * Whether a configured `apiKeySecret` (a name or an ARN) names `secret`: its ARN, or its name, with
 * or without the six random characters of a complete ARN. Values not known at synth never match.
 */
export function namesSecret(configured: string, secret: ISecret): boolean {
  const known = (value: string | undefined): value is string =>
    value !== undefined && !Token.isUnresolved(value);
  const arns = [secret.secretArn, secret.secretFullArn].filter(known);
  if (arns.includes(configured)) return true;
  const names = [secret.secretName, ...arns.map(nameOfArn)].filter(known);
  const name = configured.startsWith('arn:') ? nameOfArn(configured) : configured;
  return names.some((known) => name === known || name.replace(/-[A-Za-z0-9]{6}$/, '') === known);
}

/** The resource part of a Secrets Manager ARN (`arn:…:secret:<name>`). */
function nameOfArn(arn: string): string {
  return arn.split(':').slice(6).join(':');
}
