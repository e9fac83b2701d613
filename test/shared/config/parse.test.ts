import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type BridgeConfigInput,
  parseBridgeConfig,
  parseBridgeConfigJson,
} from '../../../shared/config/index.js';
import { configRejection } from '../../support/config-rejection.js';

const minimal: BridgeConfigInput = {
  accounts: [{ id: 'main-clinic', apiKeySecret: 'cliniko/main-clinic' }],
  userAgent: 'Acme Sync (ops@acme.example)',
};

describe('parseBridgeConfig', () => {
  it('accepts the committed example configuration', () => {
    const text = readFileSync(new URL('../../../config/bridge.example.json', import.meta.url), 'utf8');

    const config = parseBridgeConfigJson(text);

    expect(config.accounts.map((a) => a.id)).toEqual(['harbourside-physio', 'northgate-allied-health']);
  });

  it('fills every default into a minimal configuration', () => {
    const config = parseBridgeConfig(minimal);

    expect(config).toMatchObject({
      eventBus: { mode: 'create', allowClasses: ['operational', 'personal', 'phi'] },
      source: 'cliniko',
      payload: { default: { previous: false }, streams: {} },
      startFrom: 'now',
      pollRateMinutes: 1,
      overlapSeconds: 60,
      settleSeconds: 10,
      deletedFeedIntervalSeconds: 300,
      rateLimitPerMinute: 200,
      reconciliation: { enabled: true, intervalHours: 24 },
      alarms: { lagSeconds: 900, rateLimited429PerHour: 60, failedPollsPerHour: 3 },
      logRetentionDays: 30,
      archiveRetentionDays: 30,
      maxEntryBytes: 1048576,
    });
    // No mode: each stream's data class decides (see sync-options).
    expect(config.payload.default).not.toHaveProperty('mode');
  });

  it('rejects a misspelt key, suggesting the right one and listing the allowed keys', () => {
    const error = configRejection({ ...minimal, pollRate: 5 });

    expect(error.field).toBe('pollRate');
    expect(error.message).toContain('is not a known setting; did you mean "pollRateMinutes"?');
    expect(error.message).toContain('Allowed here: accounts, userAgent');
  });

  it('rejects an unknown key inside an account with its full path', () => {
    const error = configRejection({
      ...minimal,
      accounts: [{ id: 'a', apiKeySecret: 's', steams: ['patients'] }],
    });

    expect(error.field).toBe('accounts[0].steams');
    expect(error.message).toContain('did you mean "streams"?');
  });

  it('rejects a User-Agent without a contact email, showing the expected form', () => {
    const error = configRejection({ ...minimal, userAgent: 'AcmeSync/1.0' });

    expect(error.field).toBe('userAgent');
    expect(error.message).toMatch(
      /"Name \(email@domain\)".*e\.g\. "Acme Clinic Sync \(it@acme-clinic\.example\)"/,
    );
  });

  it('rejects two accounts with the same id, naming the second', () => {
    const error = configRejection({
      ...minimal,
      accounts: [
        { id: 'main-clinic', apiKeySecret: 'cliniko/one' },
        { id: 'main-clinic', apiKeySecret: 'cliniko/two' },
      ],
    });

    expect(error.field).toBe('accounts[1].id');
    expect(error.message).toContain('"main-clinic" is used by an earlier account');
  });

  it('rejects an unknown stream name, suggesting the closest and listing the valid ones', () => {
    const error = configRejection({
      ...minimal,
      accounts: [{ id: 'a', apiKeySecret: 's', streams: ['patients', 'apointments'] }],
    });

    expect(error.field).toBe('accounts[0].streams[1]');
    expect(error.message).toContain('"apointments" is not a stream');
    expect(error.message).toContain(
      'Use core (the default), all, or stream names: patients, individual_appointments,',
    );
  });

  it('rejects an unknown stream among the per-stream payload settings', () => {
    const error = configRejection({ ...minimal, payload: { streams: { patient: { mode: 'ids' } } } });

    expect(error.field).toBe('payload.streams.patient');
    expect(error.message).toContain('did you mean "patients"?');
  });

  it('rejects an impossible ISO date for startFrom, showing the accepted forms', () => {
    const error = configRejection({ ...minimal, startFrom: '2026-02-30T00:00:00Z' });

    expect(error.field).toBe('startFrom');
    expect(error.message).toContain('"now"');
    expect(error.message).toContain('"2026-01-31T00:00:00Z"');
  });

  it('rejects a startFrom without a UTC designator', () => {
    expect(configRejection({ ...minimal, startFrom: '2026-01-31T00:00:00+10:00' }).field).toBe('startFrom');
  });

  it('accepts an ISO UTC instant for startFrom', () => {
    expect(parseBridgeConfig({ ...minimal, startFrom: '2026-01-31T00:00:00Z' }).startFrom).toBe(
      '2026-01-31T00:00:00Z',
    );
  });

  it.each([
    ['plain http to a remote host', 'http://api.au1.cliniko.com/v1'],
    ['a query string', 'https://api.au1.cliniko.com/v1?key=abc'],
    ['credentials', 'https://user:pass@api.au1.cliniko.com/v1'],
    ['something that is not a URL', 'cliniko-host.example/v1'],
  ])('rejects a baseUrl with %s', (_, baseUrl) => {
    const error = configRejection({ ...minimal, accounts: [{ id: 'a', apiKeySecret: 's', baseUrl }] });

    expect(error.field).toBe('accounts[0].baseUrl');
    expect(error.message).toContain('e.g. "https://api.au1.cliniko.com/v1"');
    expect(error.message).not.toContain(baseUrl);
  });

  it('accepts plain http to the local machine and drops a trailing slash', () => {
    const config = parseBridgeConfig({
      ...minimal,
      accounts: [{ id: 'a', apiKeySecret: 's', baseUrl: 'http://127.0.0.1:4010/v1/' }],
    });

    expect(config.accounts[0]?.baseUrl).toBe('http://127.0.0.1:4010/v1');
  });

  it('rejects an apiKeySecret that is neither a secret name nor an ARN, without echoing it', () => {
    const pasted = 'MS0xMjM0NTY3ODkw LWFiY2RlZg-au1';

    const error = configRejection({ ...minimal, accounts: [{ id: 'a', apiKeySecret: pasted }] });

    expect(error.field).toBe('accounts[0].apiKeySecret');
    expect(error.message).toContain('not the key itself');
    expect(error.message).not.toContain(pasted);
  });

  it('rejects an account id that cannot appear in keys and metrics', () => {
    const error = configRejection({ ...minimal, accounts: [{ id: 'Main Clinic', apiKeySecret: 's' }] });

    expect(error.field).toBe('accounts[0].id');
    expect(error.message).toContain('e.g. "main-clinic"');
  });

  it('rejects an imported event bus with both a name and an ARN', () => {
    const error = configRejection({
      ...minimal,
      eventBus: {
        mode: 'import',
        name: 'clinic-events',
        arn: 'arn:aws:events:ap-southeast-2:123456789012:event-bus/x',
      },
    });

    expect(error.field).toBe('eventBus');
    expect(error.message).toContain('exactly one of "name" or "arn"');
  });

  it('rejects a log retention CloudWatch does not offer', () => {
    const error = configRejection({ ...minimal, logRetentionDays: 31 });

    expect(error.field).toBe('logRetentionDays');
    expect(error.message).toContain('30, 60, 90');
  });

  it('rejects maxEntryBytes above the EventBridge entry limit of 1 MB, and takes one up to it', () => {
    expect(configRejection({ ...minimal, maxEntryBytes: 1_048_577 }).field).toBe('maxEntryBytes');
    expect(parseBridgeConfig({ ...minimal, maxEntryBytes: 300_000 }).maxEntryBytes).toBe(300_000);
    expect(parseBridgeConfig({ ...minimal, maxEntryBytes: 1_048_576 }).maxEntryBytes).toBe(1_048_576);
  });

  it('reports a missing field as required and counts the other problems', () => {
    const error = configRejection({ accounts: [] });

    expect(error.field).toBe('accounts');
    expect(error.message).toContain('must not be empty');
    expect(error.message).toContain('(1 more problem: userAgent)');
  });

  it('rejects configuration text that is not JSON, naming where it came from', () => {
    expect(() => parseBridgeConfigJson('{"accounts": [', 'BRIDGE_CONFIG')).toThrow(
      /^BRIDGE_CONFIG: is not valid JSON/,
    );
  });
});

describe('eventBus.allowClasses', () => {
  it('lets the bus carry every class by default', () => {
    expect(parseBridgeConfig(minimal).eventBus.allowClasses).toEqual(['operational', 'personal', 'phi']);
  });

  it('accepts a subset with operational on a created or an imported bus, in class order', () => {
    const created = parseBridgeConfig({
      ...minimal,
      eventBus: { mode: 'create', allowClasses: ['operational'] },
    });
    const imported = parseBridgeConfig({
      ...minimal,
      eventBus: { mode: 'import', name: 'warehouse', allowClasses: ['phi', 'operational'] },
    });

    expect(created.eventBus.allowClasses).toEqual(['operational']);
    expect(imported.eventBus.allowClasses).toEqual(['operational', 'phi']);
  });

  it('rejects a name that is not a class, naming the field, the classes and an example', () => {
    const error = configRejection({
      ...minimal,
      eventBus: { mode: 'create', allowClasses: ['operational', 'pii'] },
    });

    expect(error.field).toBe('eventBus.allowClasses');
    expect(error.message).toBe(
      'eventBus.allowClasses: "pii" is not a data class: the classes are operational, personal, phi; ' +
        'e.g. ["operational"] for a data warehouse or ["operational", "personal"]',
    );
  });

  it('rejects a list without operational, saying why it is needed', () => {
    const error = configRejection({ ...minimal, eventBus: { mode: 'create', allowClasses: ['personal'] } });

    expect(error.field).toBe('eventBus.allowClasses');
    expect(error.message).toContain(
      'must include operational (ids, timestamps and links go with every event)',
    );
  });

  it('rejects an empty list and a class given twice', () => {
    expect(configRejection({ ...minimal, eventBus: { mode: 'create', allowClasses: [] } }).message).toContain(
      'must include operational',
    );
    expect(
      configRejection({
        ...minimal,
        eventBus: { mode: 'create', allowClasses: ['operational', 'operational'] },
      }).message,
    ).toContain('names the same class twice');
  });

  it('rejects a value that is not a list, with the accepted form', () => {
    const error = configRejection({ ...minimal, eventBus: { mode: 'create', allowClasses: 'operational' } });

    expect(error.field).toBe('eventBus.allowClasses');
    expect(error.message).toContain('must be an array; use a list of the data classes the bus may carry');
  });

  it('suggests allowClasses for a misspelt key', () => {
    const error = configRejection({
      ...minimal,
      eventBus: { mode: 'create', allowedClasses: ['operational'] },
    });

    expect(error.field).toBe('eventBus.allowedClasses');
    expect(error.message).toContain('did you mean "allowClasses"?');
  });
});

describe('deployment fields', () => {
  it('leaves stage, reserved concurrency and subscriber accounts unset by default', () => {
    const config = parseBridgeConfig(minimal);

    expect(config.stage).toBeUndefined();
    expect(config.fleet.reservedConcurrency).toBeUndefined();
    expect(config.eventBus).toEqual({ mode: 'create', allowClasses: ['operational', 'personal', 'phi'] });
  });

  it('rejects a stage CloudFormation cannot name a stack after, with the accepted form', () => {
    const error = configRejection({ ...minimal, stage: 'prod_1' });

    expect(error.field).toBe('stage');
    expect(error.message).toContain('letters, digits or hyphens starting with a letter, e.g. "production"');
  });

  it('rejects a reserved concurrency that is neither a count nor "none", with the accepted form', () => {
    const error = configRejection({ ...minimal, fleet: { reservedConcurrency: 0 } });

    expect(error.field).toBe('fleet.reservedConcurrency');
    expect(error.message).toContain('a whole number from 1 to 1000, or "none"');
    expect(parseBridgeConfig({ ...minimal, fleet: { reservedConcurrency: 'none' } }).fleet).toMatchObject({
      reservedConcurrency: 'none',
    });
  });

  it('takes subscriber accounts for a created bus and rejects one that is not an account id', () => {
    const bus = (allowSubscribersFrom: unknown) => ({
      ...minimal,
      eventBus: { mode: 'create', allowSubscribersFrom },
    });

    expect(parseBridgeConfig(bus(['222222222222'])).eventBus).toMatchObject({
      allowSubscribersFrom: ['222222222222'],
    });
    const error = configRejection(bus(['2222-2222-2222']));
    expect(error.field).toBe('eventBus.allowSubscribersFrom[0]');
    expect(error.message).toContain('a 12-digit AWS account id');
    expect(configRejection(bus(['222222222222', '222222222222'])).field).toBe(
      'eventBus.allowSubscribersFrom',
    );
  });

  it('refuses subscriber accounts on an imported bus, whose policy is its owner’s', () => {
    const error = configRejection({
      ...minimal,
      eventBus: { mode: 'import', name: 'clinic-events', allowSubscribersFrom: ['222222222222'] },
    });

    expect(error.field).toBe('eventBus.allowSubscribersFrom');
    expect(error.message).toContain(
      "applies to a bus the stack creates: an imported bus's policy is its owner's",
    );
  });
});
