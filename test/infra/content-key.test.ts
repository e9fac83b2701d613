import { Match } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readContentKeys } from '../../shared/aws/secrets.js';
import {
  type CfnSecretGeneration,
  composeGeneratedSecret,
  contentKeyGeneration,
  exampleConfig,
  resourcesOf,
  synthBridge,
} from './bridge-fixture.js';

const { template } = synthBridge(exampleConfig());
const generation = contentKeyGeneration(template);
const [[secretId, secret] = ['', { Type: '' }]] = resourcesOf(template, 'AWS::SecretsManager::Secret');
const secretRef = { Ref: secretId };

/** GetRandomPassword's character classes (punctuation as its documentation lists it). */
const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const UPPERCASE = LOWERCASE.toUpperCase();
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** Every character a password generated with `generation` can contain. */
function alphabetOf(g: CfnSecretGeneration): string[] {
  const classes = [
    g.ExcludeLowercase ? '' : LOWERCASE,
    g.ExcludeUppercase ? '' : UPPERCASE,
    g.ExcludeNumbers ? '' : DIGITS,
    g.ExcludePunctuation ? '' : PUNCTUATION,
    g.IncludeSpace ? ' ' : '',
  ].join('');
  return [...classes].filter((c) => !(g.ExcludeCharacters ?? '').includes(c));
}

const readerOf = (value: string) => async () => value;

describe('the content key secret', () => {
  it('is generated at deploy time as {"current":"k1","k1":<64 letters and digits>}, with no value in the template', () => {
    // Pinned on purpose: CloudFormation generates a new value whenever GenerateSecretString changes,
    // which would replace a deployed (maybe rotated) ring with a new k1 and report every record changed.
    expect(generation).toEqual({
      SecretStringTemplate: '{"current":"k1"}',
      GenerateStringKey: 'k1',
      PasswordLength: 64,
      ExcludePunctuation: true,
      IncludeSpace: false,
      RequireEachIncludedType: true,
    });
    expect(secret.Properties?.SecretString).toBeUndefined();
  });

  it('generates only values the poller reads as a ring with the one current key k1', async () => {
    const alphabet = alphabetOf(generation);
    const length = generation.PasswordLength ?? 32;

    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...alphabet), minLength: length, maxLength: length }),
        async (password) => {
          const ring = await readContentKeys(readerOf(composeGeneratedSecret(generation, password)), 'arn');
          expect(ring.current.id).toBe('k1');
          expect(ring.ids).toEqual(['k1']);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('draws from letters and digits only, so the value is plain JSON with nothing to escape', () => {
    const alphabet = alphabetOf(generation);

    expect(alphabet.join('')).toBe(LOWERCASE + UPPERCASE + DIGITS);
    const value = composeGeneratedSecret(generation, alphabet.join('').slice(0, 64));
    expect(value).toBe(`{"current":"k1","k1":"${alphabet.join('').slice(0, 64)}"}`);
  });

  it('is encrypted with the data key, retained, and keeps its logical id (a new id would mean a new k1)', () => {
    expect(secretId).toBe('BridgeContentKeySecret0481FF47');
    expect(secret.Properties?.KmsKeyId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^BridgeDataKey/), 'Arn'],
    });
    expect([secret.DeletionPolicy, secret.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('has no rotation schedule: it is rotated by hand, in two phases', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });

  it("is the poller's CONTENT_KEY_SECRET, by ARN", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CONTENT_KEY_SECRET: secretRef }) },
    });
  });

  it('is a stack output, ContentKeySecretArn', () => {
    template.hasOutput('ContentKeySecretArn', { Value: secretRef });
  });

  it('is the same secret with an imported bus (the key belongs to the state table, not the bus)', () => {
    const imported = synthBridge(exampleConfig({ eventBus: { mode: 'import', name: 'clinic-events' } }));

    expect(contentKeyGeneration(imported.template)).toEqual(generation);
    expect(resourcesOf(imported.template, 'AWS::SecretsManager::Secret').map(([id]) => id)).toEqual([
      secretId,
    ]);
  });
});
