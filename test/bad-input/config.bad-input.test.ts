/**
 * Bad configuration: each invalid value fails validation with a `ConfigError` that names the field
 * and says how to fix it, before anything polls or deploys.
 */
import { describe, expect, it } from 'vitest';
import type { BridgeConfigInput } from '../../shared/config/index.js';
import { configRejection } from '../support/config-rejection.js';

const valid: BridgeConfigInput = {
  accounts: [{ id: 'main-clinic', apiKeySecret: 'cliniko/main-clinic' }],
  userAgent: 'Acme Sync (ops@acme.example)',
};

describe('the bridge config given bad values', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a zero overlap', { overlapSeconds: 0 }, 'overlapSeconds'],
    ["a rate limit above Cliniko's 200/min", { rateLimitPerMinute: 500 }, 'rateLimitPerMinute'],
    ['a fractional poll rate', { pollRateMinutes: 1.5 }, 'pollRateMinutes'],
    ['a source reserved by AWS', { source: 'aws.cliniko' }, 'source'],
    ['an entry size above the EventBridge limit', { maxEntryBytes: 1_048_577 }, 'maxEntryBytes'],
    ['an impossible start date', { startFrom: '2026-02-30T00:00:00Z' }, 'startFrom'],
    ['a start instant with an offset instead of Z', { startFrom: '2026-02-03T00:00:00+10:00' }, 'startFrom'],
    ['an unknown payload mode', { payload: { default: { mode: 'everything' } } }, 'payload'],
    ['ids mode with old values', { payload: { default: { mode: 'ids', previous: true } } }, 'payload'],
    [
      'a stream switched to ids mode while previous is on for all',
      { payload: { default: { previous: true }, streams: { patients: { mode: 'ids' } } } },
      'payload',
    ],
    ['a log retention CloudWatch does not offer', { logRetentionDays: 10 }, 'logRetentionDays'],
    [
      'an account id that cannot key DynamoDB items',
      { accounts: [{ id: 'Main#Clinic', apiKeySecret: 'cliniko/main' }] },
      'accounts',
    ],
    [
      'a plain-http base URL to another host',
      { accounts: [{ id: 'main', apiKeySecret: 's', baseUrl: 'http://api.au1.cliniko.com/v1' }] },
      'baseUrl',
    ],
    [
      'two accounts with one id',
      {
        accounts: [
          { id: 'main', apiKeySecret: 'a' },
          { id: 'main', apiKeySecret: 'b' },
        ],
      },
      'accounts',
    ],
  ])('rejects %s, naming the field', (_name, change, field) => {
    const error = configRejection({ ...valid, ...change });

    expect(error.field).toContain(field);
    expect(error.message.length).toBeGreaterThan(field.length + 10);
  });

  it('rejects an unknown stream name and suggests the right one', () => {
    const error = configRejection({
      ...valid,
      accounts: [{ id: 'main', apiKeySecret: 's', streams: ['patient'] }],
    });

    expect(error.message).toContain('"patient" is not a stream');
    expect(error.message).toContain('did you mean "patients"');
  });

  it('names the stream and the fix when ids mode would meet old values', () => {
    const error = configRejection({
      ...valid,
      payload: { default: { previous: true }, streams: { patients: { mode: 'ids' } } },
    });

    expect(error.field).toBe('payload.streams.patients.mode');
    expect(error.message).toMatch(/"previous": false.*mode "changes"/);
  });

  it('rejects an unknown stream in the payload overrides', () => {
    const error = configRejection({ ...valid, payload: { streams: { appointments: { mode: 'ids' } } } });

    expect(error.message).toContain('"appointments" is not a stream');
  });

  it.each(['Acme Sync', 'Acme Sync <ops@acme.example>', 'Acme Sync (ops)'])(
    'rejects the malformed User-Agent %j, showing the expected form',
    (userAgent) => {
      const error = configRejection({ ...valid, userAgent });

      expect(error.field).toBe('userAgent');
      expect(error.message).toContain('Name (email@domain)');
    },
  );

  it.each([
    [
      'a Cliniko-shaped key with its shard',
      'MS0xNjk0NjM5MjUwMjM5MDQ0NzM0LWZ0b2JHOFhYUnc3RW5iSVVVcUJCdUlmOTFRWTlVUGp4-au2',
    ],
    ['a key without a shard suffix', 'MS0xNzA0MDY3MjAwMTIzNDU2Nzg5LVF3ZXJ0eVVpb3BBc2RmR2hqa2xaeGN2Ym5t'],
    ['a hexadecimal token', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ])('refuses %s as apiKeySecret without repeating it', (_name, key) => {
    const error = configRejection({ ...valid, accounts: [{ id: 'main', apiKeySecret: key }] });

    expect(error.field).toBe('accounts[0].apiKeySecret');
    expect(error.message).toContain('looks like a Cliniko API key');
    expect(error.message).toContain('Secrets Manager');
    expect(error.message).not.toContain(key.slice(0, 12));
  });

  it('never echoes a secret-looking value back in the error', () => {
    const error = configRejection({
      ...valid,
      accounts: [{ id: 'main', apiKeySecret: 'MS0-sentinel key with spaces' }],
    });

    expect(error.message).not.toContain('sentinel');
  });
});
