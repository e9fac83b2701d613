/**
 * Parses one `--sink` value into a description of the sink to build. Every mistake becomes a
 * `ConfigError` that names the flag (or environment variable) and says how to fix it.
 */
import { ConfigError } from '../errors.js';
import { EVENTBRIDGE_MAX_ENTRY_BYTES, WEBHOOK_MAX_ENTRY_BYTES } from '../events/size-limits.js';
import { parseWebhookUrl } from './webhook-destination.js';
import { parseWebhookSecret, WEBHOOK_SECRET_ENV } from './webhook-signature.js';

export type SinkSpec =
  | { readonly kind: 'console' }
  | { readonly kind: 'ndjson'; readonly path: string }
  /** `ndjson:-` (or `/dev/stdout`): events on the process's stdout, flushed per batch, never fsynced. */
  | { readonly kind: 'ndjson-stdout' }
  /** `secret` is the decoded HMAC key: never log a webhook spec. */
  | { readonly kind: 'webhook'; readonly url: string; readonly secret: Uint8Array }
  | { readonly kind: 'eventbridge'; readonly busName: string };

const EXPECTED = 'expected console, ndjson:PATH, ndjson:-, webhook:URL or eventbridge:BUS_NAME';
/**
 * Names of this process's stdout. A pipe or terminal cannot be fsynced, so `ndjson:/dev/stdout` used to
 * fail every publish (and re-publish forever); these names mean the same as `-`.
 */
const STDOUT_NAMES = new Set(['-', '/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']);
// EventBridge accepts a bus name or a bus ARN wherever PutEvents takes `EventBusName`.
const BUS_NAME = /^[A-Za-z0-9._\-/]{1,256}$/;
const BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]{1,256}$/;

export function parseSinkSpec(spec: string, env: Readonly<Record<string, string | undefined>>): SinkSpec {
  const text = spec.trim();
  const colon = text.indexOf(':');
  const kind = colon === -1 ? text : text.slice(0, colon);
  const rest = colon === -1 ? '' : text.slice(colon + 1);
  switch (kind) {
    case 'console':
      if (colon !== -1) throw new ConfigError('--sink', 'console takes no argument: use --sink console');
      return { kind: 'console' };
    case 'ndjson':
      if (rest === '')
        throw new ConfigError(
          '--sink',
          'ndjson needs a file path, or - for stdout, e.g. --sink ndjson:events.ndjson or --sink ndjson:-',
        );
      if (STDOUT_NAMES.has(rest)) return { kind: 'ndjson-stdout' };
      return { kind: 'ndjson', path: rest };
    case 'webhook': {
      if (rest === '') {
        throw new ConfigError('--sink', 'webhook needs a URL, e.g. --sink webhook:https://example.com/hooks');
      }
      // https only (plain http to loopback), never link-local or metadata: see webhook-destination.ts.
      const url = parseWebhookUrl(rest).href;
      return { kind: 'webhook', url, secret: parseWebhookSecret(env[WEBHOOK_SECRET_ENV]) };
    }
    case 'eventbridge':
      if (!BUS_NAME.test(rest) && !BUS_ARN.test(rest)) {
        throw new ConfigError(
          '--sink',
          'eventbridge needs an event bus name (1-256 of letters, digits, . _ - /) or bus ARN, e.g. --sink eventbridge:cliniko-events',
        );
      }
      return { kind: 'eventbridge', busName: rest };
    case 'http':
    case 'https':
      throw new ConfigError(
        '--sink',
        'to POST events to a URL write webhook:URL, e.g. webhook:https://example.com/hooks',
      );
    default:
      // Only the kind is echoed: the rest may be a URL carrying a token.
      throw new ConfigError('--sink', `unknown sink "${kind.slice(0, 40)}": ${EXPECTED}`);
  }
}

export { EVENTBRIDGE_MAX_ENTRY_BYTES, WEBHOOK_MAX_ENTRY_BYTES };

/**
 * The size guard for a run's destinations: events are built once for all of them, so the smallest
 * limit wins — EventBridge's 1 MB, or a webhook's 256 KB when one is among them — and never more than
 * `configured`.
 */
export function maxEntryBytesFor(
  sinks: readonly SinkSpec[],
  configured: number = EVENTBRIDGE_MAX_ENTRY_BYTES,
): number {
  const limits = sinks.map((sink) =>
    sink.kind === 'webhook' ? WEBHOOK_MAX_ENTRY_BYTES : EVENTBRIDGE_MAX_ENTRY_BYTES,
  );
  return Math.min(configured, ...limits);
}
