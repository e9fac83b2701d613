/**
 * The value rules both the configuration schema and the command line apply, defined once: each says
 * what is wrong with a value (or nothing), and the caller names the field or the flag.
 */

const ISO_UTC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

export const PAYLOAD_MODES = ['full', 'changes', 'ids'] as const;

/** `YYYY-MM-DDTHH:MM:SS[.fff]Z` that names a real instant: never read in local time by accident. */
export function isIsoUtcInstant(value: string): boolean {
  if (!ISO_UTC_PATTERN.test(value)) return false;
  const parsed = new Date(value);
  // Round-tripping rejects impossible dates such as February 30th, which Date would roll over.
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === value.slice(0, 19);
}

/**
 * What is wrong with a Cliniko API base URL, or `undefined`: https, or plain http to this machine
 * only (the simulator) — an API key must never cross a network in clear text — and no credentials,
 * query or fragment.
 */
export function baseUrlProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return 'is not a URL';
  const url = new URL(value);
  if (url.username || url.password || url.search || url.hash) {
    return 'must not contain credentials, a query or a fragment';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.includes(url.hostname)) return undefined;
  return 'must use https (plain http only for 127.0.0.1/localhost)';
}

/** An allowed base URL as the bridge keeps it: in the URL's normal form, without a trailing slash. */
export const normalBaseUrl = (value: string): string => new URL(value).href.replace(/\/+$/, '');
