import type { EventIssue } from './validate.js';

/**
 * Thrown by `parseChangeEvent`: names the failing paths and what each must be, never a value (events
 * carry patient data, and error messages end up in logs).
 */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly issues: readonly EventIssue[];

  constructor(issues: readonly EventIssue[]) {
    const summary = issues
      .slice(0, 5)
      .map((issue) => `${issue.path || '(event)'} ${issue.message}`)
      .join('; ');
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    super(`not a valid Cliniko change event: ${summary}${more}`);
    this.issues = issues;
  }
}
