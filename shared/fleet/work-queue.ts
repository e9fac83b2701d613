/**
 * How the dispatcher hands accounts to workers: one message per account run, `{"account": "<id>"}`
 * (or with `"task": "reconcile"` to force a reconciliation), delivered after the delay that puts it
 * in the account's slot (see schedule.ts). A duplicated or late message is harmless: the worker runs
 * under the account's fenced lease, so one account never runs twice at once.
 */
import { z } from 'zod';
import { ACCOUNT_ID_PATTERN } from '../config/schema.js';
import { closest } from '../config/suggestion.js';
import { ConfigError } from '../errors.js';

export type WorkTask = 'poll' | 'reconcile';

export interface Work {
  readonly account: string;
  readonly task: WorkTask;
}

export interface WorkQueue {
  /** Sends every item or throws (items already sent stay sent: a repeat is harmless). */
  send(items: readonly { readonly work: Work; readonly delayMs: number }[]): Promise<void>;
}

const WorkSchema = z.strictObject({
  account: z.string().regex(ACCOUNT_ID_PATTERN),
  task: z.enum(['poll', 'reconcile']).default('poll'),
});

const EXAMPLE = 'send {"account": "<registered account id>"} or {"account": "<id>", "task": "reconcile"}';

/** The message body of a work item. */
export function encodeWork(work: Work): string {
  return JSON.stringify(work.task === 'poll' ? { account: work.account } : work);
}

/**
 * A work item from a message body (text) or a direct invocation (object); a `ConfigError` naming
 * the field under `where` (`message` or `event`) otherwise.
 */
export function parseWork(input: unknown, where = 'message'): Work {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new ConfigError(where, `is not JSON; ${EXAMPLE}`);
    }
  }
  const result = WorkSchema.safeParse(value);
  if (result.success) return result.data;
  const { issues } = result.error;
  // A misspelt key explains a missing one, so it is reported first.
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown?.code === 'unrecognized_keys') {
    const key = unknown.keys[0] ?? '';
    const suggestion = closest(key, ['account', 'task']);
    throw new ConfigError(
      `${where}.${key}`,
      `is not a known field${suggestion ? `; did you mean "${suggestion}"?` : ''}; ${EXAMPLE}`,
    );
  }
  const field = [where, ...(issues[0]?.path ?? []).map(String)].join('.');
  throw new ConfigError(field, `is missing or invalid; ${EXAMPLE}`);
}
