/**
 * Options of the Cliniko client, validated once when the client is created so a bad key or
 * User-Agent fails at start-up with a message that says how to fix it.
 */
import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { sleep as realSleep } from '../backoff.js';
import { baseUrlProblem, normalBaseUrl } from '../config/value-rules.js';
import { ConfigError } from '../errors.js';
import { baseUrlForKey } from './shard.js';
import { sharedTokenBuckets, type TokenBucket } from './token-bucket.js';
import { validateUserAgent } from './user-agent.js';

export interface ClinikoClientOptions {
  readonly apiKey: string;
  /** `Name (email@domain)`; required by Cliniko. */
  readonly userAgent: string;
  /** Overrides the base URL derived from the key's shard (e.g. a simulator). */
  readonly baseUrl?: string;
  /** Rate-budget key: clients with the same account share one bucket. @default hash of key + base URL */
  readonly account?: string;
  /** @default 200 */
  readonly ratePerMinute?: number;
  /** Uses this bucket instead of the process-wide one for `account`. */
  readonly bucket?: TokenBucket;
  /** @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Time to the response headers. @default 20000 */
  readonly headersTimeoutMs?: number;
  /** Longest pause between body chunks. @default 30000 */
  readonly bodyTimeoutMs?: number;
  /** Longest one attempt may take in all, however the response trickles in. @default 60000 */
  readonly requestTimeoutMs?: number;
  /** Attempts per request for 5xx/timeouts/resets, first included. @default 5 */
  readonly maxAttempts?: number;
  /** @default 200 */
  readonly backoffBaseMs?: number;
  /** @default 5000 */
  readonly backoffCapMs?: number;
  /** Total time one request may spend waiting out 429s before `ClinikoRateLimitedError`. @default 65000 */
  readonly maxRateLimitWaitMs?: number;
  /** Responses larger than this are refused as a contract violation. @default 32 MiB */
  readonly maxResponseBytes?: number;
  /**
   * Largest difference between a response's `Date` header and the local clock (`now`) that is
   * believed; a larger one fails the request with `ClinikoClockSkewError`. @default 300000 (5 min)
   */
  readonly maxClockSkewMs?: number;
  /** Use this undici dispatcher (not closed by `close()`); @default a keep-alive Agent */
  readonly dispatcher?: Dispatcher;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export const DEFAULT_MAX_CLOCK_SKEW_MS = 300_000;

export interface ResolvedOptions {
  readonly apiKey: string;
  readonly userAgent: string;
  readonly baseUrl: URL;
  /** Shard from the key, undefined when `baseUrl` was given. */
  readonly shard: string | undefined;
  readonly bucket: TokenBucket;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  readonly maxRateLimitWaitMs: number;
  readonly maxResponseBytes: number;
  readonly maxClockSkewMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export function resolveOptions(options: ClinikoClientOptions): ResolvedOptions {
  const apiKey = (options.apiKey ?? '').trim();
  if (apiKey === '') {
    throw new ConfigError(
      'apiKey',
      'a Cliniko API key is required; pass --api-key or set CLINIKO_API_KEY (create one in Cliniko under My Info → Manage API keys)',
    );
  }
  const userAgent = validateUserAgent(options.userAgent);
  const derived = baseUrlForKey(apiKey);
  const baseUrl = options.baseUrl === undefined ? new URL(derived.baseUrl) : parseBaseUrl(options.baseUrl);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const bucket =
    options.bucket ??
    sharedTokenBuckets.bucketFor(options.account ?? accountKey(apiKey, baseUrl.href), {
      ratePerMinute: positive('ratePerMinute', options.ratePerMinute, 200),
      now,
      sleep,
    });
  return {
    apiKey,
    userAgent,
    baseUrl,
    shard: options.baseUrl === undefined ? derived.shard : undefined,
    bucket,
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 5_000),
    headersTimeoutMs: positive('headersTimeoutMs', options.headersTimeoutMs, 20_000),
    bodyTimeoutMs: positive('bodyTimeoutMs', options.bodyTimeoutMs, 30_000),
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs, 60_000),
    maxAttempts: Math.floor(positive('maxAttempts', options.maxAttempts, 5)),
    backoffBaseMs: positive('backoffBaseMs', options.backoffBaseMs, 200),
    backoffCapMs: positive('backoffCapMs', options.backoffCapMs, 5_000),
    maxRateLimitWaitMs: nonNegative('maxRateLimitWaitMs', options.maxRateLimitWaitMs, 65_000),
    maxResponseBytes: positive('maxResponseBytes', options.maxResponseBytes, 32 * 1024 * 1024),
    maxClockSkewMs: positive('maxClockSkewMs', options.maxClockSkewMs, DEFAULT_MAX_CLOCK_SKEW_MS),
    now,
    sleep,
    random: options.random ?? Math.random,
  };
}

/** Identifies an account without revealing its key: a short hash of key + base URL. */
export function accountKey(apiKey: string, baseUrl: string): string {
  return `key-${createHash('sha256').update(`${apiKey}\n${baseUrl}`).digest('hex').slice(0, 16)}`;
}

/** The configuration's and the command line's rule, again where the key is about to be sent. */
function parseBaseUrl(value: string): URL {
  const problem = baseUrlProblem(value.trim());
  if (problem !== undefined) {
    throw new ConfigError('baseUrl', `${problem}; expected e.g. https://api.au1.cliniko.com/v1`);
  }
  return new URL(normalBaseUrl(value.trim()));
}

function positive(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(field, 'must be a positive number');
  return value;
}

function nonNegative(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(field, 'must be zero or a positive number');
  return value;
}
