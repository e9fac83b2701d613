import { describe, expect, it } from 'vitest';
import { parseDispatcherEnvironment } from '../../../functions/dispatcher/dispatcher-environment.js';
import { parsePollerEnvironment } from '../../../functions/poller/poller-environment.js';

const CONFIG_URI = 's3://cdk-assets-123456789012-ap-southeast-2/0a1b2c3d.json';

describe('parsePollerEnvironment', () => {
  it('parses the configuration location, table, bus, content key secret and region', () => {
    const environment = parsePollerEnvironment({
      BRIDGE_CONFIG_URI: CONFIG_URI,
      STATE_TABLE_NAME: 'bridge-state',
      EVENT_BUS_NAME: 'clinic-events',
      CONTENT_KEY_SECRET: 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:content-key-AbCdEf',
      AWS_REGION: 'ap-southeast-2',
    });

    expect(environment).toEqual({
      configUri: CONFIG_URI,
      stateTableName: 'bridge-state',
      eventBusName: 'clinic-events',
      contentKeySecret: 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:content-key-AbCdEf',
      region: 'ap-southeast-2',
    });
  });

  it('names a missing variable and who sets it', () => {
    expect(() =>
      parsePollerEnvironment({ BRIDGE_CONFIG_URI: CONFIG_URI, EVENT_BUS_NAME: 'clinic-events' }),
    ).toThrow(/^STATE_TABLE_NAME: is not set; .*CDK app/);
  });

  it('refuses a configuration location that is not an S3 object', () => {
    expect(() =>
      parsePollerEnvironment({
        BRIDGE_CONFIG_URI: '{"accounts": []}',
        STATE_TABLE_NAME: 't',
        EVENT_BUS_NAME: 'b',
        CONTENT_KEY_SECRET: 'k',
      }),
    ).toThrow(/^BRIDGE_CONFIG_URI: must be an S3 location, s3:\/\/<bucket>\/<key>/);
  });
});

describe('parseDispatcherEnvironment', () => {
  it('parses the configuration location, table and work queue, naming what is missing', () => {
    expect(
      parseDispatcherEnvironment({
        BRIDGE_CONFIG_URI: CONFIG_URI,
        STATE_TABLE_NAME: 'bridge-state',
        WORK_QUEUE_URL: 'https://sqs.ap-southeast-2.amazonaws.com/123456789012/work',
      }),
    ).toEqual({
      configUri: CONFIG_URI,
      stateTableName: 'bridge-state',
      workQueueUrl: 'https://sqs.ap-southeast-2.amazonaws.com/123456789012/work',
    });
    expect(() =>
      parseDispatcherEnvironment({ BRIDGE_CONFIG_URI: CONFIG_URI, STATE_TABLE_NAME: 't' }),
    ).toThrow(/^WORK_QUEUE_URL: is not set/);
  });
});
