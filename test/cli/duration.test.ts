import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../cli/duration.js';
import { ConfigError } from '../../shared/errors.js';

const BOUNDS = { minMs: 1000, maxMs: 86_400_000 };

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and milliseconds', () => {
    expect(parseDuration('--interval', '30s', BOUNDS)).toBe(30_000);
    expect(parseDuration('--interval', '1m', BOUNDS)).toBe(60_000);
    expect(parseDuration('--interval', '5m', BOUNDS)).toBe(300_000);
    expect(parseDuration('--interval', '2h', BOUNDS)).toBe(7_200_000);
    expect(parseDuration('--interval', '1500ms', BOUNDS)).toBe(1500);
  });

  it('refuses a bare number, naming the flag and showing examples', () => {
    expect(() => parseDuration('--interval', '30', BOUNDS)).toThrow(ConfigError);
    expect(() => parseDuration('--interval', '30', BOUNDS)).toThrow(/--interval: .*e\.g\. 30s, 1m or 5m/);
  });

  it('refuses durations outside the bounds', () => {
    expect(() => parseDuration('--interval', '500ms', BOUNDS)).toThrow(/between 1s and 24h/);
    expect(() => parseDuration('--interval', '25h', BOUNDS)).toThrow(ConfigError);
  });
});

describe('formatDuration', () => {
  it('uses the largest unit that divides exactly', () => {
    expect(formatDuration(5000)).toBe('5s');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(250)).toBe('250ms');
  });
});
