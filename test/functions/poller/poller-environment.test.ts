import { describe, expect, it } from 'vitest';
import { parsePollerEnvironment } from '../../../functions/poller/poller-environment.js';

const config = JSON.stringify({
  accounts: [{ id: 'main-clinic', apiKeySecret: 'cliniko/main-clinic' }],
  userAgent: 'Acme Sync (ops@acme.example)',
});

describe('parsePollerEnvironment', () => {
  it('parses the configuration, table, bus, content key secret and region', () => {
    const environment = parsePollerEnvironment({
      BRIDGE_CONFIG: config,
      STATE_TABLE_NAME: 'bridge-state',
      EVENT_BUS_NAME: 'clinic-events',
      CONTENT_KEY_SECRET: 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:content-key-AbCdEf',
      AWS_REGION: 'ap-southeast-2',
    });

    expect(environment.config.accounts[0]?.id).toBe('main-clinic');
    expect(environment).toMatchObject({
      stateTableName: 'bridge-state',
      eventBusName: 'clinic-events',
      contentKeySecret: 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:content-key-AbCdEf',
      region: 'ap-southeast-2',
    });
  });

  it('names a missing variable and who sets it', () => {
    expect(() => parsePollerEnvironment({ BRIDGE_CONFIG: config, EVENT_BUS_NAME: 'clinic-events' })).toThrow(
      /^STATE_TABLE_NAME: is not set; .*CDK app/,
    );
  });

  it('names the invalid field of the configuration', () => {
    const broken = JSON.stringify({ ...JSON.parse(config), pollRateMinutes: 0 });

    expect(() =>
      parsePollerEnvironment({
        BRIDGE_CONFIG: broken,
        STATE_TABLE_NAME: 't',
        EVENT_BUS_NAME: 'b',
        CONTENT_KEY_SECRET: 'k',
      }),
    ).toThrow(/^pollRateMinutes: is too small/);
  });
});
