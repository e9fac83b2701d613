/**
 * Cliniko requires `User-Agent: App Name (contact@email)` and may block clients without a real
 * contact, so the bridge refuses to start without one rather than get blocked in production.
 */
import { ConfigError } from '../errors.js';

// A name, then an email in parentheses at the end. Deliberately simple: it catches missing or
// placeholder contacts without trying to be a full RFC 5322 parser.
const USER_AGENT_PATTERN = /^[^\s()][^()]*?\s+\(\s*[^\s@()]+@[^\s@()]+\.[^\s@()]+\s*\)$/;

export const USER_AGENT_EXAMPLE = 'Acme Sync (dev@acme.example)';

/** Returns the trimmed User-Agent or throws `ConfigError('userAgent', …)` saying how to fix it. */
export function validateUserAgent(userAgent: string | undefined): string {
  const value = (userAgent ?? '').trim();
  if (!USER_AGENT_PATTERN.test(value) || value.length > 200) {
    throw new ConfigError(
      'userAgent',
      `Cliniko requires a User-Agent of the form "Name (email@domain)", e.g. "${USER_AGENT_EXAMPLE}"; ` +
        'set it with the --user-agent flag or the CLINIKO_USER_AGENT environment variable ' +
        '(Cliniko may block clients without a real contact email).',
    );
  }
  return value;
}
