/** Errors of the state store beyond the shared hierarchy in `shared/errors.ts`. */
import { BridgeError } from '../errors.js';

/** DynamoDB kept leaving items unprocessed (throttling) past the retry budget; the run may retry later. */
export class StateUnavailableError extends BridgeError {
  override readonly retryable = true;
}

/** A state item does not have the shape this version writes (another tool, or a manual edit). */
export class StateCorruptError extends BridgeError {}
