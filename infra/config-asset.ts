/**
 * `BridgeConfigAsset`: the validated bridge configuration as an S3 asset (uploaded by `cdk deploy`
 * to the bootstrap bucket). The functions read it at start (`BRIDGE_CONFIG_URI`): no account data in
 * an environment variable, and the template's size and resource count do not depend on how many
 * accounts the configuration lists (the dispatcher seeds the registry from it).
 *
 * @example
 * const asset = new BridgeConfigAsset(this, 'Config', { config });
 * asset.grantRead(role); fn.addEnvironment('BRIDGE_CONFIG_URI', asset.uri);
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import type { BridgeConfig } from '../shared/config/index.js';

export interface BridgeConfigAssetProps {
  /** The validated configuration (its JSON, exactly, is what the functions read). */
  readonly config: BridgeConfig;
}

export class BridgeConfigAsset extends Construct {
  readonly asset: Asset;
  /** `s3://bucket/key` of the uploaded configuration. */
  readonly uri: string;

  constructor(scope: Construct, id: string, props: BridgeConfigAssetProps) {
    super(scope, id);
    const directory = mkdtempSync(join(tmpdir(), 'cliniko-bridge-config-'));
    mkdirSync(directory, { recursive: true });
    const file = join(directory, 'bridge-config.json');
    writeFileSync(file, `${JSON.stringify(props.config, null, 2)}\n`, { mode: 0o600 });
    this.asset = new Asset(this, 'Asset', { path: file });
    this.uri = `s3://${this.asset.s3BucketName}/${this.asset.s3ObjectKey}`;
  }

  /** `s3:GetObject` on this one object (`Asset.grantRead` would add bucket reads and wildcards). */
  grantRead(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [this.asset.bucket.arnForObjects(this.asset.s3ObjectKey)],
    });
  }
}
