import { describe, expect, it } from 'vitest';
import { parseIsoInstant } from '../../../cli/iso-instant.js';
import { baseUrlOf } from '../../../cli/run-options.js';
import { ClinikoClient } from '../../../shared/cliniko/client.js';
import { parseBridgeConfig } from '../../../shared/config/index.js';
import { baseUrlProblem, isIsoUtcInstant } from '../../../shared/config/value-rules.js';
import { ConfigError } from '../../../shared/errors.js';

const config = (baseUrl: string) => ({
  accounts: [{ id: 'main-clinic', apiKeySecret: 'cliniko/main-clinic', baseUrl }],
  userAgent: 'Acme Sync (ops@acme.example)',
});

const accepted = (run: () => unknown): boolean => {
  try {
    run();
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
};

describe('one base URL rule for the configuration, the command line and the client', () => {
  const cases: [string, boolean][] = [
    ['https://api.au1.cliniko.com/v1', true],
    ['https://api.au1.cliniko.com/v1/', true],
    ['http://127.0.0.1:4010/v1', true],
    ['http://localhost:4010/v1', true],
    ['http://api.au1.cliniko.com/v1', false],
    ['http://10.0.0.5/v1', false],
    ['https://user:secret@api.au1.cliniko.com/v1', false],
    ['https://api.au1.cliniko.com/v1?key=abc', false],
    ['https://api.au1.cliniko.com/v1#top', false],
    ['ftp://api.au1.cliniko.com/v1', false],
    ['api.au1.cliniko.com/v1', false],
  ];

  it.each(cases)('%s: allowed = %s, everywhere alike', (url, allowed) => {
    expect(baseUrlProblem(url) === undefined).toBe(allowed);
    expect(accepted(() => parseBridgeConfig(config(url)))).toBe(allowed);
    expect(accepted(() => baseUrlOf(url))).toBe(allowed);
    expect(
      accepted(() =>
        new ClinikoClient({
          apiKey: 'synthetic-key',
          userAgent: 'Acme Sync (ops@acme.example)',
          baseUrl: url,
        }).close(),
      ),
    ).toBe(allowed);
  });

  it('names the flag on the command line and the field in the configuration', () => {
    expect(() => baseUrlOf('http://api.au1.cliniko.com/v1')).toThrow(/must use https/);
    expect(() => baseUrlOf('http://api.au1.cliniko.com/v1')).toThrow(
      expect.objectContaining({ field: '--base-url' }),
    );
  });
});

describe('one UTC instant rule', () => {
  it.each([
    ['2026-01-31T00:00:00Z', true],
    ['2026-01-31T00:00:00.123Z', true],
    ['2026-02-30T00:00:00Z', false],
    ['2026-01-31T00:00:00', false],
    ['2026-01-31T00:00:00+10:00', false],
    ['2026-01-31', false],
  ])('%s: %s, for the configuration and the flags alike', (text, valid) => {
    expect(isIsoUtcInstant(text)).toBe(valid);
    expect(accepted(() => parseIsoInstant('--since', text))).toBe(valid);
    expect(
      accepted(() => parseBridgeConfig({ ...config('https://api.au1.cliniko.com/v1'), startFrom: text })),
    ).toBe(valid);
  });
});
