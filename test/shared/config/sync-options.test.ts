import { describe, expect, it } from 'vitest';
import {
  type BridgeConfigInput,
  DEFAULT_LEASE_TTL_MS,
  parseBridgeConfig,
  payloadSettingsFor,
  plannerSettingsFor,
  syncOptionsFor,
} from '../../../shared/config/index.js';
import { DEFAULT_PLANNER_SETTINGS } from '../../../shared/engine/poll-planner.js';
import type { SyncOptions } from '../../../shared/engine/sync.js';
import { ConfigError } from '../../../shared/errors.js';
import { CORE_STREAMS, STREAMS } from '../../../shared/streams.js';

const CORE_NAMES = CORE_STREAMS.map((s) => s.name);

const namesOf = (run: SyncOptions): string[] => run.streams.map((s) => s.definition.name);
/** Each stream's payload mode. */
const modesOf = (run: SyncOptions): Record<string, string> =>
  Object.fromEntries(run.streams.map((s) => [s.definition.name, s.event.payload]));
const settingsOf = (run: SyncOptions, name: string) => run.streams.find((s) => s.definition.name === name);

const base: BridgeConfigInput = {
  accounts: [
    { id: 'main-clinic', apiKeySecret: 'cliniko/main-clinic' },
    { id: 'annex', apiKeySecret: 'cliniko/annex', streams: ['patients', 'practitioners'] },
  ],
  userAgent: 'Acme Sync (ops@acme.example)',
};

describe('syncOptionsFor', () => {
  it('derives one run over the core streams from a configuration without payload overrides', () => {
    const config = parseBridgeConfig(base);

    const run = syncOptionsFor(config, 'main-clinic', {
      awsAccount: '123456789012',
      region: 'eu-west-2',
      deadline: 5000,
    });

    expect(run).toMatchObject({
      account: 'main-clinic',
      startFrom: 'now',
      overlapSeconds: 60,
      settleSeconds: 10,
      deletedFeedIntervalSeconds: 300,
      reconcileIntervalSeconds: 86_400,
      leaseTtlMs: DEFAULT_LEASE_TTL_MS,
      deadline: 5000,
    });
    expect(settingsOf(run, 'businesses')).toMatchObject({
      storeSnapshots: false,
      event: {
        source: 'cliniko',
        awsAccount: '123456789012',
        region: 'eu-west-2',
        payload: 'full',
        maxEntryBytes: 1048576,
      },
    });
    expect(namesOf(run)).toEqual(CORE_NAMES);
    // Without a configured mode, streams of personal and clinical records default to `changes`.
    expect(
      Object.entries(modesOf(run))
        .filter(([, mode]) => mode === 'changes')
        .map(([name]) => name),
    ).toEqual(CORE_NAMES.filter((name) => !['businesses', 'appointment_types'].includes(name)));
  });

  it('expands the sets core and all, in the order given, each stream once', () => {
    const config = parseBridgeConfig({
      ...base,
      accounts: [{ ...base.accounts[0], streams: ['users', 'core', 'patients'] }],
    });
    const run = syncOptionsFor(config, config.accounts[0]?.id ?? '');
    expect(namesOf(run)).toEqual(['users', ...CORE_NAMES]);

    const all = parseBridgeConfig({ ...base, accounts: [{ ...base.accounts[0], streams: ['all'] }] });
    expect(syncOptionsFor(all, all.accounts[0]?.id ?? '').streams).toHaveLength(STREAMS.length);
  });

  it('polls only the streams listed for the account', () => {
    const run = syncOptionsFor(parseBridgeConfig(base), 'annex');

    expect(namesOf(run)).toEqual(['patients', 'practitioners']);
  });

  it("gives the id listings a quarter of a poll interval's rate budget per run, and no limit to a forced or final run", () => {
    const config = parseBridgeConfig(base);
    const shared = parseBridgeConfig({ ...base, reconciliation: { requestShare: 0.1 }, pollRateMinutes: 5 });

    expect(syncOptionsFor(config, 'annex').reconcileRequestsPerRun).toBe(50);
    expect(syncOptionsFor(shared, 'annex').reconcileRequestsPerRun).toBe(100);
    expect(syncOptionsFor(config, 'annex', { pollIntervalMs: 5_000 }).reconcileRequestsPerRun).toBe(4);
    expect(syncOptionsFor(config, 'annex', { pollIntervalMs: null })).not.toHaveProperty(
      'reconcileRequestsPerRun',
    );
    expect(syncOptionsFor(config, 'annex', { forceReconcile: true })).not.toHaveProperty(
      'reconcileRequestsPerRun',
    );
  });

  it('turns an ISO startFrom into the engine form', () => {
    const run = syncOptionsFor(parseBridgeConfig({ ...base, startFrom: '2026-01-31T00:00:00Z' }), 'annex');

    expect(run.startFrom).toEqual({ at: '2026-01-31T00:00:00Z' });
  });

  it('makes reconciliation due at once when forced, and off when disabled', () => {
    const config = parseBridgeConfig({ ...base, reconciliation: { enabled: false } });

    expect(syncOptionsFor(config, 'annex').reconcileIntervalSeconds).toBeNull();
    expect(syncOptionsFor(config, 'annex', { forceReconcile: true }).reconcileIntervalSeconds).toBe(0);
  });

  it('keeps every stream in one run, each with the event settings it resolves to', () => {
    const config = parseBridgeConfig({
      ...base,
      payload: {
        default: { mode: 'changes', exclude: ['notes'] },
        streams: { practitioners: { mode: 'full', previous: true } },
      },
    });

    const run = syncOptionsFor(config, 'annex', { region: 'eu-west-2' });

    expect(namesOf(run)).toEqual(['patients', 'practitioners']);
    const patients = settingsOf(run, 'patients');
    expect(patients?.event).toMatchObject({ payload: 'changes', exclude: ['notes'], region: 'eu-west-2' });
    expect(patients?.storeSnapshots).toBe(false);
    expect(settingsOf(run, 'practitioners')).toMatchObject({
      event: { ...patients?.event, payload: 'full' },
      storeSnapshots: true,
    });
  });

  it('gives a stream whose override repeats the default the default settings', () => {
    const config = parseBridgeConfig({
      ...base,
      payload: { default: { mode: 'ids' }, streams: { patients: { mode: 'ids', previous: false } } },
    });

    const run = syncOptionsFor(config, 'annex');

    expect(modesOf(run)).toEqual({ patients: 'ids', practitioners: 'ids' });
    expect(run.streams.map((s) => s.storeSnapshots)).toEqual([false, false]);
  });

  it('leaves out overrides of streams the account does not poll', () => {
    const config = parseBridgeConfig({
      ...base,
      payload: { default: { mode: 'full' }, streams: { contacts: { previous: true } } },
    });

    expect(syncOptionsFor(config, 'annex').streams.map((s) => s.storeSnapshots)).toEqual([false, false]);
    const main = syncOptionsFor(config, 'main-clinic');
    expect(main.streams.filter((s) => s.storeSnapshots).map((s) => s.definition.name)).toEqual(['contacts']);
  });

  it('throws a ConfigError listing the configured accounts for an unknown one', () => {
    const run = () => syncOptionsFor(parseBridgeConfig(base), 'elsewhere');

    expect(run).toThrow(ConfigError);
    expect(run).toThrow('use one of: main-clinic, annex');
  });
});

describe('payload modes by data class', () => {
  it('gives streams of personal and clinical records mode changes, and operational ones full, when no mode is configured', () => {
    const config = parseBridgeConfig({
      ...base,
      accounts: [{ id: 'main-clinic', apiKeySecret: 's', streams: ['patients', 'contacts', 'taxes'] }],
    });

    const run = syncOptionsFor(config, 'main-clinic');

    expect(modesOf(run)).toEqual({ patients: 'changes', contacts: 'changes', taxes: 'full' });
  });

  it('keeps a default mode the configuration states for every stream, as before classes existed', () => {
    const config = parseBridgeConfig({ ...base, payload: { default: { mode: 'full' } } });

    const run = syncOptionsFor(config, 'main-clinic');

    expect(new Set(Object.values(modesOf(run)))).toEqual(new Set(['full']));
  });

  it("lets a stream's own mode win over its class default", () => {
    const config = parseBridgeConfig({ ...base, payload: { streams: { patients: { mode: 'full' } } } });

    expect(payloadSettingsFor(config, 'patients').mode).toBe('full');
    expect(payloadSettingsFor(config, 'treatment_notes').mode).toBe('changes');
    expect(payloadSettingsFor(config, 'appointment_types').mode).toBe('full');
  });

  it('applies the other default settings to a stream whose mode its class decides', () => {
    const config = parseBridgeConfig({
      ...base,
      payload: { default: { exclude: ['notes'], previous: true } },
    });

    expect(payloadSettingsFor(config, 'medical_alerts')).toEqual({
      mode: 'changes',
      previous: true,
      exclude: ['notes'],
    });
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

describe('plannerSettingsFor', () => {
  it('lays a tier given in part over its defaults, member by member', () => {
    const config = parseBridgeConfig({
      ...base,
      polling: { mode: 'adaptive', tiers: { hot: { floorSeconds: 3 } } },
    });

    const { tiers } = plannerSettingsFor(config);

    expect(tiers.hot).toEqual({ ...DEFAULT_PLANNER_SETTINGS.tiers.hot, floorSeconds: 3 });
    expect(tiers.cold).toEqual(DEFAULT_PLANNER_SETTINGS.tiers.cold);
  });

  it('keeps the default of a member present but undefined, as a configuration built in code may have it', () => {
    const parsed = parseBridgeConfig({ ...base, polling: { mode: 'adaptive' } });
    const config = {
      ...parsed,
      polling: {
        ...parsed.polling,
        tiers: { hot: { floorSeconds: 2, ceilingSeconds: undefined, lifecycleSeconds: undefined } },
      },
    } as unknown as typeof parsed;

    const { tiers } = plannerSettingsFor(config);

    expect(tiers.hot).toEqual({ ...DEFAULT_PLANNER_SETTINGS.tiers.hot, floorSeconds: 2 });
    expect(Number.isFinite(tiers.hot.ceilingSeconds)).toBe(true);
  });
});
