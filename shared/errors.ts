/**
 * The error hierarchy of the bridge. Every error the project raises on purpose is a `BridgeError`;
 * subclasses are grouped by what the caller should do about them (fix config, wait, retry, stop),
 * and each class says so itself: how far a failure reaches in a sync run (`effect`) and the CLI's
 * exit code (`exitCode`). No caller decides that by looking at a class name.
 *
 * Messages never contain record data, query values, request bodies or API keys: they name
 * methods, paths (without query strings), statuses, field names and request ids only.
 */

/**
 * What a failure does to a sync run:
 * - `stream`: that stream stops at its last checkpoint, the others go on (a permission, a path, bad data);
 * - `pause`: the whole run stops cleanly, checkpointed, to resume next time (out of rate budget or time);
 * - `run`: the run fails and the error is rethrown (outages, state errors, bugs).
 */
export type ErrorEffect = 'stream' | 'pause' | 'run';

export class BridgeError extends Error {
  /** Whether retrying the same operation later can succeed without anyone changing anything. */
  readonly retryable: boolean = false;
  /** How far the failure reaches in a sync run. */
  readonly effect: ErrorEffect = 'run';
  /** The CLI's exit code for it: 2 bad arguments or config, 3 Cliniko refused the key or a permission, 1 other. */
  readonly exitCode: number = 1;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The effect of any thrown value: the bridge's own errors say; anything else fails the run. */
export function effectOf(error: unknown): ErrorEffect {
  return error instanceof BridgeError ? error.effect : 'run';
}

/** The CLI exit code of any thrown value. */
export function exitCodeOf(error: unknown): number {
  return error instanceof BridgeError ? error.exitCode : 1;
}

/** A stream report's error: its type, exit code, and the bridge's own message only (free of record data). */
export interface ErrorSummary {
  readonly name: string;
  readonly message?: string;
  readonly exitCode: number;
}

export function errorSummaryOf(error: unknown): ErrorSummary {
  if (error instanceof BridgeError)
    return { name: error.name, message: error.message, exitCode: error.exitCode };
  return { name: error instanceof Error ? error.name : 'unknown', exitCode: exitCodeOf(error) };
}

/**
 * What may be logged or printed about any error: its type, the bridge's own message (known to be
 * free of record data), an HTTP status and the stack frames — never a foreign error's message,
 * which may echo a request or a record.
 */
export function safeErrorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { errorType: typeof error };
  const status =
    (error as { status?: unknown }).status ??
    (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  const code = (error as { code?: unknown }).code;
  return {
    errorType: error.name,
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof code === 'string' && /^[A-Z_][A-Z0-9_]{1,40}$/.test(code) ? { code } : {}),
    ...(error instanceof BridgeError ? { errorMessage: error.message, retryable: error.retryable } : {}),
    // Stack frames without the first line, which repeats the message.
    stack: (error.stack ?? '').split('\n').slice(1, 8).join('\n'),
  };
}

/** Invalid configuration or arguments. `field` names what is wrong; the message says how to fix it. */
export class ConfigError extends BridgeError {
  override readonly exitCode = 2;

  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
  }
}

/** An account id the registry does not hold (exit code 2: fix the id). */
export class AccountNotFoundError extends ConfigError {
  constructor(readonly account: string) {
    super(
      'account',
      `no account "${account}" is registered; \`cliniko-bridge accounts list\` shows the registered ones`,
    );
  }
}

/** Where a failed Cliniko request went: never the query string, never a body or header. */
export interface RequestContext {
  readonly method: string;
  /** Path relative to the host, without query string, e.g. `/v1/patients`. */
  readonly path: string;
  readonly status?: number | undefined;
  /** The `X-Request-Id` response header, when Cliniko sent one. */
  readonly requestId?: string | undefined;
}

/** Base class of everything that went wrong talking to Cliniko. */
export class ClinikoError extends BridgeError {
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;

  constructor(context: RequestContext, message: string, options?: { cause?: unknown }) {
    const where = `${context.method} ${context.path}${context.status === undefined ? '' : ` → ${context.status}`}`;
    super(`${message} (${where}${context.requestId ? `, request id ${context.requestId}` : ''})`, options);
    this.method = context.method;
    this.path = context.path;
    this.status = context.status;
    this.requestId = context.requestId;
  }
}

/** 401: the key is wrong, revoked, or belongs to another shard. Fatal until someone fixes the key. */
export class ClinikoAuthError extends ClinikoError {
  override readonly exitCode = 3;
}

/** 403: the key's user lacks permission for this resource, or Cliniko blocked the client. */
export class ClinikoForbiddenError extends ClinikoError {
  override readonly effect = 'stream';
  override readonly exitCode = 3;
}

/** 404 on a path that should exist. */
export class ClinikoNotFoundError extends ClinikoError {
  override readonly effect = 'stream';
}

/** 422: Cliniko rejected a write. Carries the field names it complained about, never the values. */
export class ClinikoValidationError extends ClinikoError {
  constructor(
    context: RequestContext,
    readonly fields: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      context,
      `Cliniko rejected the request: validation failed${fields.length ? ` on ${fields.join(', ')}` : ''}`,
      options,
    );
  }
}

/** Any other 4xx (e.g. 400 "This column is not searchable."): a bug in what we sent. */
export class ClinikoRequestError extends ClinikoError {
  override readonly effect = 'stream';
}

/**
 * 429 and waiting it out would take longer than the bounded wait or the run's deadline allow.
 * The run stops cleanly; the next one resumes after `retryAt`.
 */
export class ClinikoRateLimitedError extends ClinikoError {
  override readonly retryable = true;
  override readonly effect = 'pause';

  constructor(
    context: RequestContext,
    readonly retryAt: Date,
    options?: { cause?: unknown },
  ) {
    super(context, `Cliniko rate limit reached; retry after ${retryAt.toISOString()}`, options);
  }
}

/** 5xx, timeouts or connection resets that outlasted the retry budget. */
export class ClinikoUnavailableError extends ClinikoError {
  override readonly retryable = true;
}

/** Cliniko answered 2xx with something that is not the documented shape (HTML, truncated JSON, wrong types). */
export class ContractError extends ClinikoError {
  override readonly effect = 'stream';
}

/**
 * A request could not be answered (or a wait for the rate budget or a retry would not end) before
 * the run's deadline: the run stops cleanly at its last checkpoint instead of being cut off.
 */
export class RunDeadlineError extends BridgeError {
  override readonly retryable = true;
  override readonly effect = 'pause';
}

/**
 * The response's `Date` header is further from the local clock than the allowed skew. The engine
 * places its watermark by server time, so one wrong header could move it into the future: the
 * poll fails instead, and nothing advances.
 */
export class ClinikoClockSkewError extends ContractError {
  constructor(
    context: RequestContext,
    /** Server time minus local time, in whole seconds. */
    readonly skewSeconds: number,
    maxSkewSeconds: number,
  ) {
    super(
      context,
      `Cliniko's Date header is ${Math.abs(skewSeconds)} s ${skewSeconds > 0 ? 'ahead of' : 'behind'} this machine's clock ` +
        `(at most ${maxSkewSeconds} s allowed); nothing was processed. Check this machine's clock (NTP), or Cliniko's`,
    );
  }
}

/** A conditional state write lost: the stored cursor is further ahead, or a newer lease holder wrote. */
export class StaleWriteError extends BridgeError {}

/** The account's lease was taken over by another poller; stop without further writes. */
export class LeaseLostError extends BridgeError {}

/** Events could not be published within the retry budget; the run must not checkpoint. */
export class PublishError extends BridgeError {
  override readonly retryable = true;
}
