import type { z } from 'zod';
import { BridgeError } from '../errors.js';

/** Where an event broke the contract: a path and a zod issue code, never the offending value. */
export interface EventIssue {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/**
 * An event (or an event being built) does not match the v1 contract. The message names field paths
 * and rule codes only: event data is patient data and must not reach logs through an error.
 */
export class InvalidEventError extends BridgeError {
  constructor(
    message: string,
    readonly issues: readonly EventIssue[] = [],
  ) {
    const where = issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ');
    super(where ? `${message}: ${where}` : message);
  }

  static fromZod(message: string, error: z.ZodError): InvalidEventError {
    return new InvalidEventError(
      message,
      error.issues.slice(0, 10).map((issue) => ({
        path: issue.path.map(String).join('.'),
        code: issue.code,
        // zod's default messages describe the expectation ("Invalid input: expected string"), not the value.
        message: issue.message,
      })),
    );
  }
}
