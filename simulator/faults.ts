/**
 * Injected faults for the Cliniko API routes (never the `/__sim/` control routes): error rates,
 * a burst of 429s, latency, truncated bodies, connection resets and late-visible commits.
 */
import { Random } from './random.js';

export interface FaultSettings {
  error5xxRate: number;
  rateLimitBurst: number;
  latencyMs: number;
  malformedRate: number;
  resetRate: number;
  lateCommitMs: number;
}

const NONE: FaultSettings = {
  error5xxRate: 0,
  rateLimitBurst: 0,
  latencyMs: 0,
  malformedRate: 0,
  resetRate: 0,
  lateCommitMs: 0,
};

const RATES = new Set(['error5xxRate', 'malformedRate', 'resetRate']);
const COUNTS = new Set(['rateLimitBurst', 'latencyMs', 'lateCommitMs']);

/** Validates a `POST /__sim/faults` body; returns the settings to change or an error message. */
export function parseFaultRequest(body: unknown): Partial<FaultSettings> | string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return 'Send a JSON object such as {"error5xxRate":0.1,"latencyMs":200}.';
  }
  const out: Partial<FaultSettings> = {};
  for (const [key, value] of Object.entries(body)) {
    if (RATES.has(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1))
        return `${key} must be a number from 0 to 1.`;
    } else if (COUNTS.has(key)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 3_600_000) {
        return `${key} must be a whole number from 0 to 3600000.`;
      }
    } else {
      return `Unknown fault "${key}"; use error5xxRate, rateLimitBurst, latencyMs, malformedRate, resetRate or lateCommitMs.`;
    }
    out[key as keyof FaultSettings] = value;
  }
  return out;
}

export type FaultOutcome = 'none' | 'rate_limited' | 'error_5xx';

export class Faults {
  private current: FaultSettings = { ...NONE };
  private readonly random: Random;

  constructor(seed: number) {
    this.random = new Random(seed, 3);
  }

  get settings(): Readonly<FaultSettings> {
    return this.current;
  }

  update(changes: Partial<FaultSettings>): void {
    this.current = { ...this.current, ...changes };
  }

  clear(): void {
    this.current = { ...NONE };
  }

  /** Decides, before the request is handled, whether it fails outright. */
  beforeHandling(): FaultOutcome {
    if (this.current.rateLimitBurst > 0) {
      this.current.rateLimitBurst -= 1;
      return 'rate_limited';
    }
    if (this.current.error5xxRate > 0 && this.random.next() < this.current.error5xxRate) return 'error_5xx';
    return 'none';
  }

  /** How the (otherwise successful) response is mangled on the wire. */
  delivery(): 'intact' | 'malformed' | 'reset' {
    if (this.current.resetRate > 0 && this.random.next() < this.current.resetRate) return 'reset';
    if (this.current.malformedRate > 0 && this.random.next() < this.current.malformedRate) return 'malformed';
    return 'intact';
  }

  pick5xx(): number {
    return this.random.pick([500, 502, 503, 504]);
  }
}
