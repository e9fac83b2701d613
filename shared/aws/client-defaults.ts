/**
 * How every AWS SDK client of the bridge is configured: the SDK retries a failed call itself
 * (`maxAttempts`), and every attempt has a connection and a request timeout. The timeouts are far
 * below half the lease TTL (120 s by default), which is what lets a poller prove that a write it
 * started while holding the lease cannot land after the lease is lost (see `LeaseKeeper`).
 *
 * Retry loops of our own exist only where the SDK cannot retry: unprocessed batch items and
 * PutEvents entries that failed inside an accepted call (`shared/backoff.ts`).
 */

/** Attempts per call, the first included (the SDK's standard retry mode, with its own backoff). */
export const AWS_MAX_ATTEMPTS = 3;
/** Time to establish a connection. */
export const AWS_CONNECTION_TIMEOUT_MS = 1_000;
/** Time one attempt may take once connected, the whole response included. */
export const AWS_REQUEST_TIMEOUT_MS = 3_000;

/**
 * The longest one call can take: every attempt timing out, plus the SDK's backoff between them
 * (full jitter on 100 ms × 2^attempt: under a second for three attempts).
 */
export const AWS_CALL_BUDGET_MS =
  AWS_MAX_ATTEMPTS * (AWS_CONNECTION_TIMEOUT_MS + AWS_REQUEST_TIMEOUT_MS) + 1_000;

/** Constructor options for any SDK v3 client (`new DynamoDBClient(awsClientDefaults())`). */
export function awsClientDefaults(): {
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean };
} {
  return {
    maxAttempts: AWS_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
      requestTimeout: AWS_REQUEST_TIMEOUT_MS,
      // Without it the SDK only logs a warning when the request timeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
}
