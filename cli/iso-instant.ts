/**
 * UTC instants given on the command line (`--since`, `--until`): `YYYY-MM-DDTHH:MM:SS[.fff]Z` only, so
 * a time without a zone is never read in this machine's local time by accident.
 */
import { isIsoUtcInstant } from '../shared/config/value-rules.js';
import { ConfigError } from '../shared/errors.js';

export function parseIsoInstant(flag: string, text: string): Date {
  const value = text.trim();
  if (!isIsoUtcInstant(value)) {
    throw new ConfigError(
      flag,
      `expected a UTC instant such as 2026-01-31T00:00:00Z, e.g. ${flag} 2026-01-31T00:00:00Z`,
    );
  }
  return new Date(value);
}
