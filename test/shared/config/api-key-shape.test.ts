import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikeApiKey } from '../../../shared/config/api-key-shape.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const HEX = '0123456789abcdef'.split('');
const text = (chars: string[], length: number) =>
  fc.array(fc.constantFrom(...chars), { minLength: length, maxLength: length }).map((c) => c.join(''));
const shard = fc
  .tuple(fc.constantFrom('au', 'uk', 'ca', 'eu', 'nz'), fc.integer({ min: 1, max: 12 }))
  .map(([region, n]) => `${region}${n}`);

/** Synthetic keys of Cliniko's shape: base64 of "<n>-<19 digits>-<32 letters/digits>", then "-<shard>". */
const clinikoShapedKey = fc
  .tuple(fc.integer({ min: 1, max: 9 }), text('0123456789'.split(''), 19), text(ALNUM, 32), fc.option(shard))
  .map(([n, id, secret, suffix]) => {
    const body = Buffer.from(`${n}-${id}-${secret}`).toString('base64');
    return suffix === null ? body : `${body}-${suffix}`;
  });

/** The simulator's keys: "MS0" + account index + 40 hex digits + "-xx1". */
const simulatorKey = fc
  .tuple(fc.integer({ min: 0, max: 9 }), text(HEX, 40))
  .map(([index, hex]) => `MS0${index}${hex}-xx1`);

// A fixed seed: the heuristic misses about 5 in a million Cliniko-shaped keys, and a test must not flake.
const RUNS = { seed: 20_261_129, numRuns: 3000 };

describe('looksLikeApiKey', () => {
  it('recognises keys of Cliniko’s shape, with or without a shard suffix', () => {
    fc.assert(
      fc.property(clinikoShapedKey, (key) => looksLikeApiKey(key)),
      RUNS,
    );
  });

  it('recognises the simulator’s keys and hexadecimal tokens', () => {
    fc.assert(
      fc.property(simulatorKey, (key) => looksLikeApiKey(key)),
      RUNS,
    );
    expect(looksLikeApiKey('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBe(true);
    expect(looksLikeApiKey('DE1F3A9B44C07E2D9A81F0B6C3E5D7A9')).toBe(true);
  });

  it('recognises a key inside a path, as when pasted after a prefix', () => {
    expect(
      looksLikeApiKey('cliniko/MS0xNjk0NjM5MjUwMjM5MDQ0NzM0LWZ0b2JHOFhYUnc3RW5iSVVVcUJCdUlmOTFRWTlVUGp4-au2'),
    ).toBe(true);
  });

  it.each([
    'cliniko/main-clinic',
    'cliniko-bridge/harbourside-physio',
    'local-run',
    'cliniko-au1',
    'prod/eu-west-1/cliniko/clinic-0042/api-key-v2',
    'dev/ap-southeast-2/cliniko/api-key/v1',
    'harbourside-physiotherapy-clinic-au1',
    'CLINIKO_API_KEY_HARBOURSIDE_PHYSIO_2024',
    'ClinikoApiKeyHarbourside2024Production',
    'ClinikoAPIKeyForHarbourSidePhysioClinic2024v2',
    'HarbourSidePhysioAndSportsMedicineCentre2024',
    'MyClinicsClinikoAPIKeyForTheAUShardNumber1',
    'AcmeHealthGroupClinikoIntegrationApiKeyV2',
    'cliniko2024harbourside2025northgate2026x',
    'team+integrations=cliniko@acme.example/key',
    'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:cliniko-bridge/northgate-allied-health-Ab12Cd',
  ])('accepts the plausible secret name %s', (name) => {
    expect(looksLikeApiKey(name)).toBe(false);
  });
});
