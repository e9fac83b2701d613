/**
 * The CDK app (`cdk.json`: `npx tsx infra/app.ts`). Reads the bridge configuration (see
 * ./config-source.ts for where from), validates it, and synthesizes the `ClinikoChangeBridge`
 * stack. An invalid configuration stops synth with the field, the problem and the fix, exit code 2;
 * so does having none of the operator's own (the example is read only when named).
 *
 * Context: `-c config=PATH` picks the configuration file; `-c exampleConsumer=true` adds the
 * example consumer; `-c orderedConsumer=true` the ordered route (every event, FIFO by record key).
 */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../shared/errors.js';
import { buildBridgeApp } from './bridge-app.js';
import { CONFIG_CONTEXT_KEY, loadBridgeConfig, resolveConfigPath } from './config-source.js';

const app = new App();
const contextPath = app.node.tryGetContext(CONFIG_CONTEXT_KEY) as string | undefined;
const source = { cwd: process.cwd(), contextPath, env: process.env };

try {
  const { config } = loadBridgeConfig(source);
  buildBridgeApp(app, config, {
    exampleConsumer: isTrue(app.node.tryGetContext('exampleConsumer')),
    ...(isTrue(app.node.tryGetContext('orderedConsumer')) ? { orderedConsumer: {} } : {}),
  });
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  const heading =
    error.field === 'config'
      ? 'No Cliniko Change Bridge configuration to deploy'
      : `Invalid Cliniko Change Bridge configuration (${describeSource()})`;
  process.stderr.write(`${heading}:\n  ${error.message}\n`);
  process.exit(2);
}

function describeSource(): string {
  try {
    return resolveConfigPath(source);
  } catch {
    return 'no file';
  }
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
