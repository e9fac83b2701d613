/**
 * UTC instants given on the command line (`--since`, `--until`): `YYYY-MM-DDTHH:MM:SS[.fff]Z` only, so
 * a time without a zone is never read in this machine's local time by accident.
 */
import { ConfigError } from '../shared/errors.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

export function parseIsoInstant(flag: string, text: string): Date {
  const value = text.trim();
  const parsed = new Date(value);
  // The round trip rejects impossible dates such as February 30th, which Date would roll over.
  if (
    !ISO_UTC.test(value) ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 19) !== value.slice(0, 19)
  ) {
    throw new ConfigError(
      flag,
      `expected a UTC instant such as 2026-01-31T00:00:00Z, e.g. ${flag} 2026-01-31T00:00:00Z`,
    );
  }
  return parsed;
}
