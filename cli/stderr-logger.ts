/**
 * The engine's `Logger` port for the terminal: one plain line per entry on stderr. Warnings and
 * errors always show; info and debug only with `CLINIKO_BRIDGE_LOG=info|debug`, because the engine
 * logs every stream of every poll at info. Fields are the engine's allow-listed ones (ids, counts,
 * statuses, cursor times), printed as `key=value`.
 */
import type { Logger } from '../shared/engine/ports.js';

export const LOG_LEVEL_ENV = 'CLINIKO_BRIDGE_LOG';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

function levelFrom(value: string | undefined): Level {
  const wanted = (value ?? '').trim().toLowerCase();
  return LEVELS.find((level) => level === wanted) ?? 'warn';
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

export class StderrLogger implements Logger {
  private readonly threshold: number;

  constructor(
    private readonly out: NodeJS.WritableStream,
    level: string | undefined,
  ) {
    this.threshold = LEVELS.indexOf(levelFrom(level));
  }

  debug(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.write('error', message, fields);
  }

  private write(level: Level, message: string, fields: Readonly<Record<string, unknown>> | undefined): void {
    if (LEVELS.indexOf(level) < this.threshold) return;
    const details = Object.entries(fields ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${formatValue(value)}`);
    this.out.write(`${[level.toUpperCase(), message, ...details].join(' ')}\n`);
  }
}
