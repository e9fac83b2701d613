/**
 * The poller's input, as EventBridge Scheduler sends it: `{"account": "<id>"}` for a regular poll,
 * `{"account": "<id>", "task": "reconcile"}` to force a reconciliation pass.
 */
import { z } from 'zod';
import { ACCOUNT_ID_PATTERN, type AccountConfig, type BridgeConfig } from '../../shared/config/index.js';
import { closest } from '../../shared/config/suggestion.js';
import { accountConfig } from '../../shared/config/sync-options.js';
import { ConfigError } from '../../shared/errors.js';

export type PollerTask = 'poll' | 'reconcile';

export interface PollerRequest {
  readonly account: AccountConfig;
  readonly task: PollerTask;
}

const PollerInputSchema = z.strictObject({
  account: z.string().regex(ACCOUNT_ID_PATTERN),
  task: z.enum(['poll', 'reconcile']).default('poll'),
});

const EXAMPLE =
  'the schedule\'s input must be {"account": "<configured account id>"} or {"account": "<id>", "task": "reconcile"}';

export function parsePollerInput(event: unknown, config: BridgeConfig): PollerRequest {
  const result = PollerInputSchema.safeParse(event);
  if (!result.success) {
    const { issues } = result.error;
    // A misspelt key explains a missing one, so it is reported first.
    const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
    if (unknown?.code === 'unrecognized_keys') {
      const key = unknown.keys[0] ?? '';
      const suggestion = closest(key, ['account', 'task']);
      throw new ConfigError(
        `event.${key}`,
        `is not a known field${suggestion ? `; did you mean "${suggestion}"?` : ''}; ${EXAMPLE}`,
      );
    }
    const field = ['event', ...(issues[0]?.path ?? []).map(String)].join('.');
    throw new ConfigError(field, `is missing or invalid; ${EXAMPLE}`);
  }
  return { account: accountConfig(config, result.data.account), task: result.data.task };
}
