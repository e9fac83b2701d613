/**
 * Durations on the command line: a whole number followed by a unit, e.g. `500ms`, `30s`, `1m`, `2h`.
 * A bare number is refused rather than guessed (seconds? milliseconds?).
 */
import { ConfigError } from '../shared/errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const PATTERN = /^(\d{1,9})(ms|s|m|h)$/;

/** Milliseconds of `text`, or a `ConfigError` naming `flag` when it is not a duration within bounds. */
export function parseDuration(flag: string, text: string, bounds: { minMs: number; maxMs: number }): number {
  const match = PATTERN.exec(text.trim());
  const amount = match?.[1];
  const unit = match?.[2] as keyof typeof UNIT_MS | undefined;
  if (amount === undefined || unit === undefined) {
    throw new ConfigError(
      flag,
      `"${text.slice(0, 20)}" is not a duration; write a number and a unit, e.g. 30s, 1m or 5m`,
    );
  }
  const ms = Number(amount) * UNIT_MS[unit];
  if (ms < bounds.minMs || ms > bounds.maxMs) {
    throw new ConfigError(
      flag,
      `must be between ${formatDuration(bounds.minMs)} and ${formatDuration(bounds.maxMs)}`,
    );
  }
  return ms;
}

/** The shortest exact spelling of `ms`, e.g. 30000 → `30s`, 90000 → `90s`, 300000 → `5m`. */
export function formatDuration(ms: number): string {
  if (ms % UNIT_MS.h === 0 && ms >= UNIT_MS.h) return `${ms / UNIT_MS.h}h`;
  if (ms % UNIT_MS.m === 0 && ms >= UNIT_MS.m) return `${ms / UNIT_MS.m}m`;
  if (ms % UNIT_MS.s === 0) return `${ms / UNIT_MS.s}s`;
  return `${ms}ms`;
}
