/**
 * Which failures are worth another attempt. Reads (GET) retry on any 5xx, timeout or dropped
 * connection. Writes are not idempotent in Cliniko (a POST retried after a lost response creates
 * a second record), so they retry only when the server certainly did not act: 429, 503, and
 * connection failures before the request was sent.
 */

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);

const IN_FLIGHT_FAILURES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

export function isIdempotent(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

export function shouldRetryStatus(status: number, method: string): boolean {
  if (status === 503) return true;
  return status >= 500 && isIdempotent(method);
}

/** The network error code of `error` or its causes, when it is one we know how to retry. */
export function retryableNetworkCode(error: unknown, method: string): string | undefined {
  return errorCodes(error).find(
    (code) => CONNECT_FAILURES.has(code) || (IN_FLIGHT_FAILURES.has(code) && isIdempotent(method)),
  );
}

/** Error codes along the `cause` chain (undici wraps socket errors), outermost first. */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}
