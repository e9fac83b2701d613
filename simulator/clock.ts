/**
 * The simulator's clock: real time by default, or frozen at an instant and moved by hand, so tests can
 * control the `updated_at` stamped on writes and the HTTP `Date` header without waiting.
 */
export interface SimClock {
  /** Current simulated time in epoch milliseconds. */
  now(): number;
  /** Freeze the clock at `epochMs`. */
  set(epochMs: number): void;
  /** Move a frozen clock forward (or back) by `seconds`. */
  advance(seconds: number): void;
  /** Follow the real clock again. */
  realtime(): void;
  readonly frozen: boolean;
}

export class ControllableClock implements SimClock {
  private frozenAt: number | undefined;

  constructor(private readonly realNow: () => number = Date.now) {}

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  now(): number {
    return this.frozenAt ?? this.realNow();
  }

  set(epochMs: number): void {
    this.frozenAt = epochMs;
  }

  advance(seconds: number): void {
    // Advancing a running clock first freezes it where it is: "move time by N seconds" is then exact.
    this.frozenAt = this.now() + seconds * 1000;
  }

  realtime(): void {
    this.frozenAt = undefined;
  }
}

/** Cliniko's timestamp format: UTC, one-second precision, `YYYY-MM-DDTHH:MM:SSZ`. */
export function formatTimestamp(epochMs: number): string {
  return `${new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** A calendar date `YYYY-MM-DD` (UTC). */
export function formatDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Parses `YYYY-MM-DDTHH:MM:SSZ` (or any ISO instant with an explicit zone); `undefined` when invalid. */
export function parseInstant(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
