import { describe, expect, it } from 'vitest';
import { type ConfigFlag, configFlag } from '../../cli/config-flags.js';
import { parseEngineOptions, parseRunOptions } from '../../cli/run-options.js';
import { parseBridgeConfig } from '../../shared/config/index.js';
import { ConfigError } from '../../shared/errors.js';

const BASE = {
  accounts: [{ id: 'main-clinic', apiKeySecret: 'cliniko/main-clinic' }],
  userAgent: 'Acme Sync (ops@acme.example)',
};

/** The configuration file that sets `flag`'s field to `value`. */
function configWith(flag: ConfigFlag, value: string): unknown {
  const account = BASE.accounts[0];
  switch (flag) {
    case '--account':
      return { ...BASE, accounts: [{ ...account, id: value }] };
    case '--base-url':
      return { ...BASE, accounts: [{ ...account, baseUrl: value }] };
    case '--user-agent':
      return { ...BASE, userAgent: value };
    case '--start-from':
      return { ...BASE, startFrom: value };
    case '--payload':
      return { ...BASE, payload: { default: { mode: value } } };
  }
}

const outcome = (run: () => unknown): { ok: true; value: unknown } | { ok: false; error: ConfigError } => {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error };
    throw error;
  }
};

const CASES: Record<ConfigFlag, readonly string[]> = {
  '--account': ['main-clinic', 'a', '9lives', 'Main-Clinic', '-clinic', 'main_clinic', 'x'.repeat(64), ''],
  '--base-url': [
    'https://api.au1.cliniko.com/v1',
    'https://API.AU1.cliniko.com/v1/',
    'http://127.0.0.1:4010/v1',
    'http://api.au1.cliniko.com/v1',
    'https://user:pw@api.au1.cliniko.com/v1',
    'not a url',
  ],
  '--user-agent': ['Acme Sync (ops@acme.example)', 'Acme Sync', 'ops@acme.example', '(x@y.z)'],
  '--start-from': ['now', 'beginning', '2026-01-31T00:00:00Z', '2026-02-30T00:00:00Z', 'yesterday', 'Now'],
  '--payload': ['full', 'changes', 'ids', 'none', 'FULL', ''],
};

describe('flags that set a configuration field are validated by the field', () => {
  for (const [flag, values] of Object.entries(CASES) as [ConfigFlag, readonly string[]][]) {
    it.each(values)(`${flag} %j: accepted and kept exactly as the configuration file would`, (value) => {
      const fromFlag = outcome(() => configFlag(flag, value));
      const fromFile = outcome(() => parseBridgeConfig(configWith(flag, value)));

      expect(fromFlag.ok).toBe(fromFile.ok);
      if (!fromFlag.ok) {
        expect(fromFlag.error.field).toBe(flag);
        // The file's message for the field, word for word, the field's name aside.
        if (!fromFile.ok) {
          expect(fromFlag.error.message.slice(flag.length + 2)).toBe(
            fromFile.error.message.slice(fromFile.error.field.length + 2),
          );
        }
        expect(fromFlag.error.message).toMatch(/; use /);
      }
    });
  }

  it('keeps a base URL in the form the configuration keeps it', () => {
    const config = parseBridgeConfig(configWith('--base-url', 'https://API.AU1.cliniko.com/v1/'));
    expect(configFlag('--base-url', 'https://API.AU1.cliniko.com/v1/')).toBe(config.accounts[0]?.baseUrl);
    expect(config.accounts[0]?.baseUrl).toBe('https://api.au1.cliniko.com/v1');
  });

  it('names the flag the user typed in the command errors, with the field hint and no value echoed', () => {
    const failure = outcome(() =>
      parseRunOptions(['--simulate', '--account', 'Dr-Jane-Citizen', '--payload', 'full'], {}),
    );
    expect(failure.ok).toBe(false);
    if (failure.ok) return;
    expect(failure.error.field).toBe('--account');
    expect(failure.error.message).toContain('lowercase letters, digits or hyphens');
    expect(failure.error.message).not.toContain('Jane');
  });

  it('says where the user agent comes from when the environment variable sets a bad one', () => {
    const failure = outcome(() =>
      parseEngineOptions({ 'api-key': 'synthetic-key-au1' }, { CLINIKO_USER_AGENT: 'no email here' }),
    );
    expect(failure.ok).toBe(false);
    if (failure.ok) return;
    expect(failure.error.field).toBe('--user-agent');
    expect(failure.error.message).toContain('CLINIKO_USER_AGENT');
  });
});
