/**
 * The deployed bridge configuration: the CDK app uploads the validated config file as an S3 asset
 * and gives the functions its location (`BRIDGE_CONFIG_URI`, `s3://bucket/key`), so no account data
 * sits in an environment variable and the template's size does not depend on the number of accounts.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type BridgeConfig, parseBridgeConfigJson } from '../config/index.js';
import { ConfigError } from '../errors.js';

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

export function parseS3Uri(uri: string, field: string): { bucket: string; key: string } {
  const match = S3_URI.exec(uri.trim());
  if (!match?.[1] || !match[2]) {
    throw new ConfigError(field, 'must be an S3 location, s3://<bucket>/<key> (the CDK app sets it)');
  }
  return { bucket: match[1], key: match[2] };
}

export async function readBridgeConfigObject(
  client: S3Client,
  uri: string,
  field: string,
): Promise<BridgeConfig> {
  const { bucket, key } = parseS3Uri(uri, field);
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = await object.Body?.transformToString('utf8');
  if (text === undefined)
    throw new ConfigError(field, `names ${uri}, which is empty; deploy the stack again`);
  return parseBridgeConfigJson(text, uri);
}
