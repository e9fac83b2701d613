/**
 * The one configuration schema of the bridge (zod), shared by the CDK app, the poller Lambda and the CLI.
 *
 * Objects are strict, so a misspelt key fails validation instead of silently falling back to a default.
 * `parseBridgeConfig` (./parse.ts) turns validation failures into a `ConfigError` naming the field and
 * the fix; the hints per field live in ./hints.ts.
 */
import { z } from 'zod';
import { validateUserAgent } from '../cliniko/user-agent.js';
import { DATA_CLASSES, parseAllowedClasses } from '../data-classes.js';
import { DEFAULT_SYNC_TIMING } from '../engine/sync.js';
import { EVENTBRIDGE_MAX_ENTRY_BYTES } from '../events/size-limits.js';
import { isStreamSelector, STREAM_NAMES, STREAM_SETS } from '../streams.js';
import { looksLikeApiKey } from './api-key-shape.js';
import { closest } from './suggestion.js';
import { baseUrlProblem, isIsoUtcInstant, normalBaseUrl, PAYLOAD_MODES } from './value-rules.js';

/** Account ids end up in DynamoDB keys, metric dimensions and event details: short, lowercase, no PHI. */
export const ACCOUNT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SECRET_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN_PATTERN =
  /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const EVENT_BUS_NAME_PATTERN = /^[A-Za-z0-9._-]{1,256}$/;
const EVENT_BUS_ARN_PATTERN =
  /^arn:aws(?:-[a-z]+)*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._-]{1,256}$/;
const SNS_TOPIC_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const SOURCE_PATTERN = /^[A-Za-z0-9._-]{1,256}$/;
const FIELD_NAME_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** EventBridge rejects PutEvents entries above 1 MB (256 KB before January 2026; `size-limits.ts`). */
export const MAX_ENTRY_BYTES_LIMIT = EVENTBRIDGE_MAX_ENTRY_BYTES;

export const CONFIG_DEFAULTS = {
  source: 'cliniko',
  startFrom: 'now',
  pollRateMinutes: 1,
  workerConcurrency: 10,
  accountsPerInvocation: 10,
  // The engine's own defaults: a configuration that leaves them out runs as the engine would.
  overlapSeconds: DEFAULT_SYNC_TIMING.overlapSeconds,
  settleSeconds: DEFAULT_SYNC_TIMING.settleSeconds,
  deletedFeedIntervalSeconds: DEFAULT_SYNC_TIMING.deletedFeedIntervalSeconds,
  rateLimitPerMinute: 200,
  reconciliationIntervalHours: DEFAULT_SYNC_TIMING.reconcileIntervalSeconds / 3600,
  reconciliationRequestShare: 0.25,
  alarmLagSeconds: 900,
  alarmRateLimited429PerHour: 60,
  alarmFailedPollsPerHour: 3,
  logRetentionDays: 30,
  archiveRetentionDays: 30,
  maxEntryBytes: MAX_ENTRY_BYTES_LIMIT,
} as const;

/** Marks a refinement message that already says how to fix it, so no field hint is appended. */
export const COMPLETE = { complete: true } as const;

/** A stream name, or `core` / `all` for a set of them. */
const streamSelector = z.string().refine(isStreamSelector, {
  error: (issue) => unknownStreamMessage(String(issue.input)),
  params: COMPLETE,
});

export function unknownStreamMessage(name: string): string {
  const names = [...Object.keys(STREAM_SETS), ...STREAM_NAMES];
  const suggestion = closest(name, names);
  return `"${name}" is not a stream${suggestion ? `; did you mean "${suggestion}"?` : '.'} Use core (the default), all, or stream names: ${STREAM_NAMES.join(', ')}`;
}

const secretId = z.string().superRefine((value, ctx) => {
  if (!(value.startsWith('arn:') ? SECRET_ARN_PATTERN : SECRET_NAME_PATTERN).test(value)) {
    ctx.addIssue({ code: 'custom', message: 'is not a Secrets Manager secret name or ARN' });
  } else if (looksLikeApiKey(value)) {
    // Never echo the value: it is most likely a live key.
    ctx.addIssue({
      code: 'custom',
      message:
        'looks like a Cliniko API key, not the name of a secret holding one (a key here would sit in plain text ' +
        'in IAM policies and the Lambda environment); store the key in Secrets Manager, and if this file was ' +
        'shared or committed, revoke the key in Cliniko and make a new one',
    });
  }
});

export const BaseUrlSchema = z
  .string()
  .superRefine((url, ctx) => {
    const problem = baseUrlProblem(url);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(normalBaseUrl);

const uniqueList = <T extends z.ZodType<string>>(item: T) =>
  z.array(item).refine((list) => new Set(list).size === list.length, { error: 'lists the same entry twice' });

/**
 * For local development only (`cliniko-bridge run --config FILE`): the key itself, in the JSON shape
 * a secret holds. A deployment refuses it at synth: a key in a file ends up in the CDK asset.
 */
const inlineApiKey = z.strictObject({ apiKey: z.string().regex(/^\S{1,512}$/) });

export const AccountIdSchema = z.string().regex(ACCOUNT_ID_PATTERN);

export const AccountSchema = z.strictObject({
  id: AccountIdSchema,
  apiKeySecret: z.union([secretId, inlineApiKey]),
  baseUrl: BaseUrlSchema.optional(),
  streams: uniqueList(streamSelector).min(1).optional(),
});

const fieldList = uniqueList(z.string().regex(FIELD_NAME_PATTERN));

export const PayloadModeSchema = z.enum(PAYLOAD_MODES);

/** Per-stream overrides: every key optional, merged over `payload.default`. */
export const PayloadOverrideSchema = z.strictObject({
  mode: PayloadModeSchema.optional(),
  include: fieldList.optional(),
  exclude: fieldList.optional(),
  previous: z.boolean().optional(),
});

export const PayloadSettingsSchema = z.strictObject({
  /**
   * The mode of every stream without its own. Left out: each stream's default by its data class
   * (`changes` for personal and clinical records, `full` for the others; see data-classes.ts).
   */
  mode: PayloadModeSchema.optional(),
  include: fieldList.optional(),
  exclude: fieldList.optional(),
  /** Store full record snapshots so `updated` events carry `changes.previous` (stores PHI in DynamoDB). */
  previous: z.boolean().default(false),
});

const payload = z
  .strictObject({
    default: PayloadSettingsSchema.prefault({}),
    streams: z.record(z.string(), PayloadOverrideSchema).default({}),
  })
  .superRefine((value, ctx) => {
    if (value.default.mode === 'ids' && value.default.previous) {
      ctx.addIssue({
        code: 'custom',
        path: ['default', 'previous'],
        message: IDS_WITHOUT_PREVIOUS,
        params: COMPLETE,
      });
    }
    for (const [name, override] of Object.entries(value.streams)) {
      if (!STREAM_NAMES.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['streams', name],
          message: unknownStreamMessage(name),
          params: COMPLETE,
        });
      }
      // A default of `previous: true` also reaches a stream that overrides only the mode.
      const mode = override.mode ?? value.default.mode;
      const previous = override.previous ?? value.default.previous;
      if (mode === 'ids' && previous && !(value.default.mode === 'ids' && override.previous === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['streams', name, override.previous === undefined ? 'mode' : 'previous'],
          message: IDS_WITHOUT_PREVIOUS,
          params: COMPLETE,
        });
      }
    }
  });

/** Why mode `ids` and `previous` cannot go together, and what to do instead. */
const IDS_WITHOUT_PREVIOUS =
  'payload mode "ids" carries no record data, so it cannot carry old values ("previous") either; set "previous": false for it, or use mode "changes"';

const eventBusName = z.string().regex(EVENT_BUS_NAME_PATTERN);

/**
 * The data classes a destination takes; fields of the others are left out of its events (marked
 * `withheld`). Every class by default, as before classes existed.
 */
export const AllowClassesSchema = z
  .array(z.string())
  .transform((names, ctx) => {
    const allowed = parseAllowedClasses(
      names,
      'e.g. ["operational"] for a data warehouse or ["operational", "personal"]',
    );
    if (typeof allowed === 'string') {
      ctx.addIssue({ code: 'custom', message: allowed, params: COMPLETE });
      return z.NEVER;
    }
    return allowed;
  })
  .default([...DATA_CLASSES]);

export const EventBusSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('create'),
    name: eventBusName.optional(),
    allowClasses: AllowClassesSchema,
    /**
     * AWS accounts that may manage rules of their own on the created bus (matching the bridge's
     * `source`), to subscribe from another account. Absent: none; an imported bus's policy is its owner's.
     */
    allowSubscribersFrom: uniqueList(z.string().regex(/^\d{12}$/)).optional(),
  }),
  z
    .strictObject({
      mode: z.literal('import'),
      name: eventBusName.optional(),
      arn: z.string().regex(EVENT_BUS_ARN_PATTERN).optional(),
      allowClasses: AllowClassesSchema,
      // Named here only to say why it does not apply (below).
      allowSubscribersFrom: z.unknown().optional(),
    })
    .refine((bus) => (bus.name === undefined) !== (bus.arn === undefined), {
      error: 'an imported bus needs exactly one of "name" or "arn"',
    })
    .refine((bus) => bus.allowSubscribersFrom === undefined, {
      path: ['allowSubscribersFrom'],
      error:
        'applies to a bus the stack creates: an imported bus\'s policy is its owner\'s, who adds the statement themselves (infra/README.md, "Subscribing from another AWS account")',
      params: COMPLETE,
    }),
]);

export const StartFromSchema = z.union([
  z.literal('now'),
  z.literal('beginning'),
  z.string().refine(isIsoUtcInstant, { error: 'is not "now", "beginning" or an ISO UTC instant' }),
]);

// The same check the Cliniko client applies, so a config that validates never fails at the first request.
function isValidUserAgent(value: string): boolean {
  try {
    validateUserAgent(value);
    return true;
  } catch {
    return false;
  }
}

export const UserAgentSchema = z
  .string()
  .refine(isValidUserAgent, { error: 'is not of the form "Name (email@domain)"' })
  .transform((value) => value.trim());

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const AlarmsSchema = z.strictObject({
  lagSeconds: int(60, 86_400).default(CONFIG_DEFAULTS.alarmLagSeconds),
  rateLimited429PerHour: int(1, 100_000).default(CONFIG_DEFAULTS.alarmRateLimited429PerHour),
  failedPollsPerHour: int(1, 1000).default(CONFIG_DEFAULTS.alarmFailedPollsPerHour),
  email: z.email().optional(),
  snsTopicArn: z.string().regex(SNS_TOPIC_ARN_PATTERN).optional(),
});

const tierTiming = z
  .strictObject({
    floorSeconds: int(1, 3600).optional(),
    ceilingSeconds: int(1, 86_400).optional(),
    lifecycleSeconds: int(1, 86_400).optional(),
  })
  .optional();

export const PollingSchema = z.strictObject({
  /**
   * `fixed`: every account's streams all polled once per `pollRateMinutes` (the dispatcher's slot).
   * `adaptive`: a worker keeps the account for its whole invocation and polls each stream as the
   * planner says it falls due (seconds for hot streams), at the cost of Lambda time while it waits.
   */
  mode: z.enum(['fixed', 'adaptive']).default('fixed'),
  budgetShare: z.number().min(0.05).max(1).optional(),
  backoffFactor: z.number().min(1.05).max(10).optional(),
  boostSeconds: int(0, 3600).optional(),
  tiers: z.strictObject({ hot: tierTiming, warm: tierTiming, cold: tierTiming }).optional(),
  streamTiers: z
    .record(
      z.string().refine((name) => (STREAM_NAMES as readonly string[]).includes(name), {
        error: (issue) => unknownStreamMessage(String(issue.input)),
        params: COMPLETE,
      }),
      z.enum(['hot', 'warm', 'cold']),
    )
    .optional(),
});

export const BridgeConfigSchema = z
  .strictObject({
    accounts: z.array(AccountSchema).min(1),
    userAgent: UserAgentSchema,
    eventBus: EventBusSchema.prefault({ mode: 'create' }),
    source: z
      .string()
      .regex(SOURCE_PATTERN)
      .refine((s) => !s.startsWith('aws.'), { error: 'must not start with "aws." (reserved by AWS)' })
      .default(CONFIG_DEFAULTS.source),
    payload: payload.prefault({}),
    startFrom: StartFromSchema.default(CONFIG_DEFAULTS.startFrom),
    pollRateMinutes: int(1, 1440).default(CONFIG_DEFAULTS.pollRateMinutes),
    overlapSeconds: int(1, 86_400).default(CONFIG_DEFAULTS.overlapSeconds),
    settleSeconds: int(0, 3600).default(CONFIG_DEFAULTS.settleSeconds),
    deletedFeedIntervalSeconds: int(0, 86_400).default(CONFIG_DEFAULTS.deletedFeedIntervalSeconds),
    rateLimitPerMinute: int(1, 200).default(CONFIG_DEFAULTS.rateLimitPerMinute),
    reconciliation: z
      .strictObject({
        enabled: z.boolean().default(true),
        intervalHours: int(1, 24 * 31).default(CONFIG_DEFAULTS.reconciliationIntervalHours),
        requestShare: z.number().min(0.05).max(1).default(CONFIG_DEFAULTS.reconciliationRequestShare),
      })
      .prefault({}),
    alarms: AlarmsSchema.prefault({}),
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        error: 'is not a retention period CloudWatch Logs accepts',
      })
      .default(CONFIG_DEFAULTS.logRetentionDays),
    archiveRetentionDays: int(1, 3650).default(CONFIG_DEFAULTS.archiveRetentionDays),
    maxEntryBytes: int(1024, MAX_ENTRY_BYTES_LIMIT).default(CONFIG_DEFAULTS.maxEntryBytes),
    /** The runtime's size, independent of how many accounts it polls. */
    fleet: z
      .strictObject({
        /** Poller invocations at once: the work queue's maximum concurrency and the reserved concurrency. */
        workerConcurrency: int(2, 1000).default(CONFIG_DEFAULTS.workerConcurrency),
        /** Accounts one invocation polls at once (the work queue's batch size). */
        accountsPerInvocation: int(1, 10).default(CONFIG_DEFAULTS.accountsPerInvocation),
        /**
         * The poller's reserved concurrency; `"none"` for AWS accounts whose quota cannot reserve
         * any. Absent: `workerConcurrency`.
         */
        reservedConcurrency: z.union([int(1, 1000), z.literal('none')]).optional(),
      })
      .prefault({}),
    /**
     * The deployment's name: the stack is `ClinikoChangeBridge-<stage>` (absent: `ClinikoChangeBridge`),
     * so several deployments (test, production) live side by side in one AWS account.
     */
    stage: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,39}$/)
      .optional(),
    /** Adaptive polling (`shared/engine/poll-planner.ts`); defaults in `DEFAULT_PLANNER_SETTINGS`. */
    polling: PollingSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.accounts.forEach((account, index) => {
      if (seen.has(account.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', index, 'id'],
          message: `"${account.id}" is used by an earlier account; give each account its own id (it keys the account's cursors and lease)`,
          params: COMPLETE,
        });
      }
      seen.add(account.id);
    });
  });

/** The configuration after defaults were applied. */
export type BridgeConfig = z.output<typeof BridgeConfigSchema>;
/** What an operator writes: every field with a default may be left out. */
export type BridgeConfigInput = z.input<typeof BridgeConfigSchema>;
export type AccountConfig = BridgeConfig['accounts'][number];
export type PayloadSettings = z.output<typeof PayloadSettingsSchema>;
export type PayloadOverride = z.output<typeof PayloadOverrideSchema>;
export type EventBusConfig = BridgeConfig['eventBus'];
