/**
 * The error hierarchy of the bridge. Every error the project raises on purpose is a `BridgeError`;
 * subclasses are grouped by what the caller should do about them (fix config, wait, retry, stop).
 *
 * Messages never contain record data, query values, request bodies or API keys: they name
 * methods, paths (without query strings), statuses, field names and request ids only.
 */
export class BridgeError extends Error {
  /** Whether retrying the same operation later can succeed without anyone changing anything. */
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid configuration or arguments. `field` names what is wrong; the message says how to fix it. */
export class ConfigError extends BridgeError {
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
  }
}

/** Where a failed Cliniko request went: never the query string, never a body or header. */
export interface RequestContext {
  readonly method: string;
  /** Path relative to the host, without query string, e.g. `/v1/patients`. */
  readonly path: string;
  readonly status?: number;
  /** The `X-Request-Id` response header, when Cliniko sent one. */
  readonly requestId?: string;
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
export class ClinikoAuthError extends ClinikoError {}

/** 403: the key's user lacks permission for this resource, or Cliniko blocked the client. */
export class ClinikoForbiddenError extends ClinikoError {}

/** 404 on a path that should exist. */
export class ClinikoNotFoundError extends ClinikoError {}

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
export class ClinikoRequestError extends ClinikoError {}

/** 429 and the bounded wait ran out. Retry at `retryAt`. */
export class ClinikoRateLimitedError extends ClinikoError {
  override readonly retryable = true;

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
export class ContractError extends ClinikoError {}

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
