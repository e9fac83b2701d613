import { describe, expect, it } from 'vitest';
import {
  type BridgeConfigInput,
  DEFAULT_LEASE_TTL_MS,
  parseBridgeConfig,
  payloadSettingsFor,
  syncOptionsFor,
} from '../../../shared/config/index.js';
import { ConfigError } from '../../../shared/errors.js';
import { STREAM_NAMES } from '../../../shared/streams.js';

const base: BridgeConfigInput = {
  accounts: [
    { id: 'main-clinic', apiKeySecret: 'cliniko/main-clinic' },
    { id: 'annex', apiKeySecret: 'cliniko/annex', streams: ['patients', 'practitioners'] },
  ],
  userAgent: 'Acme Sync (ops@acme.example)',
};

describe('syncOptionsFor', () => {
  it('derives one run over every stream from a configuration without payload overrides', () => {
    const config = parseBridgeConfig(base);

    const runs = syncOptionsFor(config, 'main-clinic', {
      awsAccount: '123456789012',
      region: 'eu-west-2',
      deadline: 5000,
    });

    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      account: 'main-clinic',
      startFrom: 'now',
      overlapSeconds: 60,
      settleSeconds: 10,
      deletedFeedIntervalSeconds: 300,
      reconcileIntervalSeconds: 86_400,
      leaseTtlMs: DEFAULT_LEASE_TTL_MS,
      deadline: 5000,
      storeSnapshots: false,
      event: {
        source: 'cliniko',
        awsAccount: '123456789012',
        region: 'eu-west-2',
        payload: 'full',
        maxEntryBytes: 262144,
      },
    });
    expect(runs[0]?.streams.map((s) => s.name)).toEqual(STREAM_NAMES);
  });

  it('polls only the streams listed for the account', () => {
    const runs = syncOptionsFor(parseBridgeConfig(base), 'annex');

    expect(runs.flatMap((run) => run.streams.map((s) => s.name))).toEqual(['patients', 'practitioners']);
  });

  it('turns an ISO startFrom into the engine form', () => {
    const runs = syncOptionsFor(parseBridgeConfig({ ...base, startFrom: '2026-01-31T00:00:00Z' }), 'annex');

    expect(runs[0]?.startFrom).toEqual({ at: '2026-01-31T00:00:00Z' });
  });

  it('makes reconciliation due at once when forced, and off when disabled', () => {
    const config = parseBridgeConfig({ ...base, reconciliation: { enabled: false } });

    expect(syncOptionsFor(config, 'annex')[0]?.reconcileIntervalSeconds).toBeNull();
    expect(syncOptionsFor(config, 'annex', { forceReconcile: true })[0]?.reconcileIntervalSeconds).toBe(0);
  });

  it('splits streams with different payload settings into separate runs', () => {
    const config = parseBridgeConfig({
      ...base,
      payload: { default: { mode: 'changes' }, streams: { practitioners: { mode: 'ids', previous: true } } },
    });

    const runs = syncOptionsFor(config, 'annex');

    expect(
      runs.map((run) => [run.streams.map((s) => s.name), run.event.payload, run.storeSnapshots]),
    ).toEqual([
      [['patients'], 'changes', false],
      [['practitioners'], 'ids', true],
    ]);
  });

  it('throws a ConfigError listing the configured accounts for an unknown one', () => {
    const run = () => syncOptionsFor(parseBridgeConfig(base), 'elsewhere');

    expect(run).toThrow(ConfigError);
    expect(run).toThrow('use one of: main-clinic, annex');
  });
});

describe('payloadSettingsFor', () => {
  it('applies a stream override key by key over the default', () => {
    const config = parseBridgeConfig({
      ...base,
      payload: {
        default: { mode: 'full', exclude: ['notes'] },
        streams: { patients: { include: ['id', 'email'] } },
      },
    });

    expect(payloadSettingsFor(config, 'patients')).toEqual({
      mode: 'full',
      previous: false,
      include: ['id', 'email'],
      exclude: ['notes'],
    });
    expect(payloadSettingsFor(config, 'contacts')).toEqual({
      mode: 'full',
      previous: false,
      exclude: ['notes'],
    });
  });
});
