/** `run --quirks`: the simulator's quirks for `--simulate`, refused for a real account. */
import { describe, expect, it } from 'vitest';
import { parseRunOptions } from '../../cli/run-options.js';
import { ConfigError } from '../../shared/errors.js';
import { QUIRKS } from '../../simulator/index.js';

const userAgent = ['--user-agent', 'Tests (tests@example.com)'];

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('run --quirks', () => {
  it('starts the simulator with every quirk by default', () => {
    const options = parseRunOptions(['--simulate'], {});

    expect(options.source).toEqual({ kind: 'simulate', quirks: QUIRKS });
  });

  it('takes all, none or a comma-separated list', () => {
    const all = parseRunOptions(['--simulate', '--quirks', 'all'], {});
    const none = parseRunOptions(['--simulate', '--quirks', 'none'], {});
    const two = parseRunOptions(['--simulate', '--quirks', 'subsecond-order,no-status-feeds'], {});

    expect(all.source).toEqual({ kind: 'simulate', quirks: QUIRKS });
    expect(none.source).toEqual({ kind: 'simulate', quirks: [] });
    expect(two.source).toEqual({ kind: 'simulate', quirks: ['no-status-feeds', 'subsecond-order'] });
  });

  it('refuses an unknown quirk, naming the flag and the valid quirks', () => {
    const error = configError(() => parseRunOptions(['--simulate', '--quirks', 'no-status-feeds,slow'], {}));

    expect(error.message).toContain('--quirks');
    expect(error.message).toContain('"slow"');
    for (const quirk of QUIRKS) expect(error.message).toContain(quirk);
  });

  it('refuses --quirks without --simulate', () => {
    const error = configError(() =>
      parseRunOptions(['--api-key', 'abc-au2', ...userAgent, '--quirks', 'all'], {}),
    );

    expect(error.message).toContain('--quirks');
    expect(error.message).toContain('--simulate');
  });
});

describe('run --reconcile-every', () => {
  it('takes a duration, 0s meaning every run, and is absent by default', () => {
    expect(parseRunOptions(['--simulate'], {}).reconcileEverySeconds).toBeUndefined();
    expect(parseRunOptions(['--simulate', '--reconcile-every', '0s'], {}).reconcileEverySeconds).toBe(0);
    expect(parseRunOptions(['--simulate', '--reconcile-every', '6h'], {}).reconcileEverySeconds).toBe(21_600);
  });

  it('refuses what is not a duration, or longer than 30 days, naming the flag', () => {
    for (const text of ['daily', '0', '721h']) {
      const error = configError(() => parseRunOptions(['--simulate', '--reconcile-every', text], {}));
      expect(error.message).toContain('--reconcile-every');
    }
  });
});
