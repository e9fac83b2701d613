/**
 * Builds the bridge's CDK app the way `cdk synth` does (same feature flags from cdk.json, same
 * compliance packs) but without bundling the poller, for template assertions.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type BridgeStackOptions, buildBridgeApp } from '../../infra/bridge-app.js';
import type { ChangeBridgeStack } from '../../infra/change-bridge-stack.js';
import { type BridgeConfig, type BridgeConfigInput, parseBridgeConfig } from '../../shared/config/index.js';

const repositoryFile = (path: string) => new URL(`../../${path}`, import.meta.url);

const cdkJson = JSON.parse(readFileSync(repositoryFile('cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** The example configuration (two accounts), with top-level fields replaced by `overrides`. */
export function exampleConfig(overrides: Partial<BridgeConfigInput> = {}): BridgeConfig {
  const example = JSON.parse(
    readFileSync(repositoryFile('config/bridge.example.json'), 'utf8'),
  ) as BridgeConfigInput;
  return parseBridgeConfig({ ...example, ...overrides });
}

export interface SynthesizedBridge {
  readonly app: App;
  readonly stack: ChangeBridgeStack;
  readonly template: Template;
}

/** The app with the bridge stack; `Template.fromStack` runs the compliance packs, as synth does. */
export function synthBridge(
  config: BridgeConfig = exampleConfig(),
  options: BridgeStackOptions = {},
): SynthesizedBridge {
  const app = newApp();
  const stack = buildBridgeApp(app, config, options);
  return { app, stack, template: Template.fromStack(stack) };
}

/** An app with the repository's feature flags that skips asset bundling. */
export function newApp(): App {
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
}

/** Resources of one type as [logicalId, resource] pairs. */
export function resourcesOf(template: Template, type: string): [string, CfnResourceJson][] {
  return Object.entries(template.findResources(type)) as [string, CfnResourceJson][];
}

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** `GenerateSecretString` of a template's secret, as CloudFormation reads it. */
export interface CfnSecretGeneration {
  readonly SecretStringTemplate?: string;
  readonly GenerateStringKey?: string;
  readonly PasswordLength?: number;
  readonly ExcludeCharacters?: string;
  readonly ExcludeNumbers?: boolean;
  readonly ExcludePunctuation?: boolean;
  readonly ExcludeUppercase?: boolean;
  readonly ExcludeLowercase?: boolean;
  readonly IncludeSpace?: boolean;
  readonly RequireEachIncludedType?: boolean;
}

/** How the template generates the content key secret (the template's one secret). */
export function contentKeyGeneration(template: Template): CfnSecretGeneration {
  const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret');
  if (secrets.length !== 1) throw new Error(`expected one secret in the template, found ${secrets.length}`);
  const generation = secrets[0]?.[1].Properties?.GenerateSecretString;
  if (typeof generation !== 'object' || generation === null) throw new Error('the secret is not generated');
  return generation as CfnSecretGeneration;
}

/**
 * Secrets Manager's value for a generated secret: the template's JSON with the generated password
 * added under `GenerateStringKey`.
 */
export function composeGeneratedSecret(generation: CfnSecretGeneration, password: string): string {
  if (generation.SecretStringTemplate === undefined || generation.GenerateStringKey === undefined) {
    return password;
  }
  const template = JSON.parse(generation.SecretStringTemplate) as Record<string, unknown>;
  return JSON.stringify({ ...template, [generation.GenerateStringKey]: password });
}
